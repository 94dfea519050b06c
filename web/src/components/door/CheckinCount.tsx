// How many are in, live from the summary stream, with the tickets issued beside it.
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import type { CheckinCount as Count } from './use-checkin-count.ts';

export function CheckinCount({ count }: { count: Count }) {
  const { summary, live, problem } = count;
  return (
    <section className="checkin-count" aria-labelledby="checkin-count-title">
      <h2 id="checkin-count-title">Checked in</h2>
      {summary ? (
        <p aria-live="polite">
          <span className="count-number">{summary.tickets.used}</span> of {summary.tickets.issued} tickets · {summary.inside} inside now
        </p>
      ) : (
        !problem && <p role="status">Connecting to the live count…</p>
      )}
      {summary && !live && <p className="hint">Reconnecting: the count may be behind.</p>}
      <ProblemMessage problem={problem} />
    </section>
  );
}
