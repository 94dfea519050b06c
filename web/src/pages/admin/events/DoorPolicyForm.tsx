// The door rules of an event (`/events/{id}/checkins/policy`): printed codes, re-entry, and when transfers stop.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import type { components } from '../../../api/bookings.gen.ts';
import { must, problemOf } from '../../../api/problems.ts';
import { Field } from '../../../components/common/Field.tsx';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';

type Policy = components['schemas']['DoorPolicyInput'];

function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function DoorPolicyForm({ eventId }: { eventId: string }) {
  const [policy, setPolicy] = useState<Policy>();
  const [cutoff, setCutoff] = useState('');
  const { run, fail, problem } = useAction();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    must(api.bookings.GET('/events/{id}/checkins/policy', { params: { path: { id: eventId } } })).then(
      (found) => {
        setPolicy(found);
        setCutoff(String(found.transferCutoffMinutes));
      },
      (err: unknown) => fail(problemOf(err)),
    );
  }, [eventId, fail]);

  if (!policy) return problem ? <ProblemMessage problem={problem} /> : <Loading what="the door rules" />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    return run(async () => {
      const body = { ...policy, transferCutoffMinutes: /^\s*\d+\s*$/.test(cutoff) ? Number(cutoff) : -1 };
      setPolicy(await must(api.bookings.PUT('/events/{id}/checkins/policy', { params: { path: { id: eventId } }, body })));
      setSaved(true);
    });
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Door rules">
      <Checkbox
        label="Accept printed (PDF) codes, not only the app’s live code"
        checked={policy.printCodesAccepted}
        onChange={(printCodesAccepted) => setPolicy({ ...policy, printCodesAccepted })}
      />
      <Checkbox
        label="Let a ticket that was scanned out come back in"
        checked={policy.reentryAllowed}
        onChange={(reentryAllowed) => setPolicy({ ...policy, reentryAllowed })}
      />
      <Field
        label="Transfers stop this many minutes before the start"
        field="transferCutoffMinutes"
        problem={problem}
        inputMode="numeric"
        value={cutoff}
        onChange={(e) => setCutoff(e.target.value)}
      />
      <ProblemMessage problem={problem} />
      <p role="status">{saved ? 'The door rules are saved; they apply from the next scan.' : ''}</p>
      <button type="submit">Save door rules</button>
    </form>
  );
}
