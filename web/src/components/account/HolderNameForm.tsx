// The name on a ticket, which its holder may change until the event starts.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { serverNow } from '../../api/clock.ts';
import { must } from '../../api/problems.ts';
import { Field } from '../common/Field.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import type { Ticket } from './types.ts';

/** Whether the event has started by the server's clock (the API locks the name then, whatever the device says). */
function started(ticket: Ticket): boolean {
  return ticket.event.startsAt !== null && new Date(ticket.event.startsAt).getTime() <= serverNow();
}

export function HolderNameForm({ ticket, onRenamed }: { ticket: Ticket; onRenamed: (ticket: Ticket) => void }) {
  const [name, setName] = useState(ticket.holderName);
  const { run, busy, problem } = useAction();
  const [saved, setSaved] = useState('');

  if (ticket.status !== 'valid' || !ticket.printCode || started(ticket)) {
    return (
      <p>
        Name on the ticket: <strong>{ticket.holderName}</strong>
      </p>
    );
  }

  const save = (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    return run(async () => {
      const renamed = await must(api.bookings.PATCH('/tickets/{id}', { params: { path: { id: ticket.id } }, body: { holderName: name } }));
      onRenamed(renamed);
      setSaved(`The ticket is now in the name of ${renamed.holderName}.`);
    });
  };

  return (
    <form onSubmit={save} className="inline-form" aria-label="Change the name on the ticket">
      <Field
        label="Name on the ticket"
        field="holderName"
        problem={problem}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={200}
        hint="You can change it until the event starts."
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save name'}
      </button>
      <ProblemMessage problem={problem} />
      <p aria-live="polite" className="notice">
        {saved}
      </p>
    </form>
  );
}
