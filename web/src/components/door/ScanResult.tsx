// The outcome of the last scan in large type, coloured and worded so it reads at a glance from arm's length:
// ADMITTED (the seat and holder), ALREADY USED (when and at which gate), REFUSED (why) or NOT CHECKED (no answer).
// Announced at once.
import { describeProblem, mayHaveHappened } from '../../api/problems.ts';
import type { ScanOutcome } from './use-checkin.ts';

export function ScanResult({ outcome }: { outcome: ScanOutcome | undefined }) {
  return (
    <div className={`scan-result ${outcome ? `scan-${outcome.kind}` : 'scan-idle'}`} aria-live="assertive" aria-atomic="true">
      {outcome ? <OutcomeText outcome={outcome} /> : <p className="scan-headline">Ready to scan</p>}
    </div>
  );
}

function OutcomeText({ outcome }: { outcome: ScanOutcome }) {
  switch (outcome.kind) {
    case 'admitted':
      return (
        <>
          <p className="scan-headline">ADMITTED</p>
          <p className="scan-detail">
            {outcome.admission.ticket.seatLabel} · {outcome.admission.ticket.holderName}
          </p>
        </>
      );
    case 'used':
      return (
        <>
          <p className="scan-headline">ALREADY USED</p>
          <p className="scan-detail">
            {outcome.refusal.usedAt ? `Admitted at ${clock(outcome.refusal.usedAt)}` : 'Admitted before'}
            {outcome.refusal.usedGate ? ` at gate ${outcome.refusal.usedGate}` : ''}
          </p>
        </>
      );
    case 'refused':
      // No answer, or a failure on our side, says nothing about the ticket: it was not checked, so scan it again.
      if (mayHaveHappened(outcome.problem)) {
        return (
          <>
            <p className="scan-headline">NOT CHECKED</p>
            <p className="scan-detail">{describeProblem(outcome.problem)} Scan the ticket again.</p>
          </>
        );
      }
      return (
        <>
          <p className="scan-headline">REFUSED</p>
          <p className="scan-detail">{describeProblem(outcome.problem)}</p>
        </>
      );
    case 'checking':
      return <p className="scan-headline">Checking…</p>;
  }
}

/** The time of day on this device's clock: the door is where the event is. */
function clock(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}
