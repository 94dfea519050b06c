// The steps of an event's life the admin takes: publish a draft, mark a started event as held, cancel (which
// cancels every hold and refunds every booking).
import { useId, useState, type FormEvent } from 'react';
import { api, idempotencyKey } from '../../../api/client.ts';
import type { components } from '../../../api/events.gen.ts';
import { must } from '../../../api/problems.ts';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';

type Event = components['schemas']['Event'];
type Step = '/events/{id}/publish' | '/events/{id}/complete';

function CancelForm({ event, onDone }: { event: Event; onDone: (event: Event) => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { run, busy, problem } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const body = reason.trim() ? { reason: reason.trim() } : {};
      const params = { path: { id: event.id }, header: { 'idempotency-key': idempotencyKey() } };
      onDone(await must(api.events.POST('/events/{id}/cancel', { params, body })));
    });
  };

  if (!open) {
    return (
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Cancel this event…
      </button>
    );
  }
  return (
    <form className="cancel-form" onSubmit={(e) => void submit(e)} aria-label="Cancel the event">
      <p>
        {event.status === 'published'
          ? 'Every hold is cancelled and every booking refunded. This cannot be undone.'
          : 'The draft is cancelled and can no longer be published.'}
      </p>
      <div className="field">
        <label htmlFor={id}>Reason (shown to customers)</label>
        <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <ProblemMessage problem={problem} />
      <button type="submit" className="danger" disabled={busy}>
        {busy ? 'Cancelling…' : 'Cancel the event and refund everyone'}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Keep the event
      </button>
    </form>
  );
}

export function EventActions({ event, onChanged }: { event: Event; onChanged: (event: Event) => void }) {
  const { run, busy, problem } = useAction();

  const take = (step: Step) =>
    run(async () => {
      const params = { path: { id: event.id }, header: { 'idempotency-key': idempotencyKey() } };
      onChanged(await must(api.events.POST(step, { params })));
    });

  if (event.status === 'cancelled' || event.status === 'completed') return null;
  return (
    <div className="event-actions">
      <ProblemMessage problem={problem} />
      {event.status === 'draft' && (
        <button type="button" disabled={busy} onClick={() => void take('/events/{id}/publish')}>
          {busy ? 'Publishing…' : 'Publish: put it on sale'}
        </button>
      )}
      {event.status === 'published' && (
        <button type="button" disabled={busy} onClick={() => void take('/events/{id}/complete')}>
          {busy ? 'Marking as held…' : 'Mark as held (completed)'}
        </button>
      )}{' '}
      <CancelForm event={event} onDone={onChanged} />
    </div>
  );
}
