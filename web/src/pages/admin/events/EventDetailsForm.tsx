// Changing a draft's or a published event's details (`PATCH /events/{id}`).
import { useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import type { components } from '../../../api/events.gen.ts';
import { must } from '../../../api/problems.ts';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';
import { draftOfEvent, eventBody, type EventDraft } from './event-draft.ts';
import { EventDetailsFields } from './EventDetailsFields.tsx';

type Event = components['schemas']['Event'];

export function EventDetailsForm({ event, onSaved }: { event: Event; onSaved: (event: Event) => void }) {
  const [draft, setDraft] = useState<EventDraft>(() => draftOfEvent(event));
  const { run, problem } = useAction();
  const [saved, setSaved] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    return run(async () => {
      const body = eventBody(draft, event.timeZone);
      onSaved(await must(api.events.PATCH('/events/{id}', { params: { path: { id: event.id } }, body })));
      setSaved(true);
    });
  };

  return (
    <form className="event-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Event details">
      <EventDetailsFields draft={draft} onChange={setDraft} timeZone={event.timeZone} problem={problem} />
      <ProblemMessage problem={problem} />
      <p role="status">{saved ? 'The event’s details are saved.' : ''}</p>
      <button type="submit">Save details</button>
    </form>
  );
}
