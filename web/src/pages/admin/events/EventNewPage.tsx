// A new event at a venue, saved as a draft: prices and publishing follow on its own page.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import { fieldError, must, problemOf, type Problem } from '../../../api/problems.ts';
import { Link, navigate, useQuery } from '../../../app/router.tsx';
import { knownVenues, type Venue } from '../../../components/admin/known-venues.ts';
import { useRetryKey } from '../../../components/admin/use-retry-key.ts';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { emptyEvent, eventBody, type EventDraft } from './event-draft.ts';
import { EventDetailsFields } from './EventDetailsFields.tsx';

function VenueSelect({
  venues,
  value,
  onChange,
  problem,
}: {
  venues: Venue[];
  value: string;
  onChange: (id: string) => void;
  problem: Problem | undefined;
}) {
  const id = useId();
  const error = fieldError(problem, 'venueId');
  return (
    <div className="field">
      <label htmlFor={id}>Venue</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <option value="">Pick a venue</option>
        {venues.map((venue) => (
          <option key={venue.id} value={venue.id}>
            {venue.name} ({venue.timeZone}, {venue.seatCount} seats)
          </option>
        ))}
      </select>
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

export function EventNewPage() {
  const preselected = useQuery().get('venueId') ?? '';
  const [venues, setVenues] = useState<Venue[]>();
  const [venueId, setVenueId] = useState(preselected);
  const [draft, setDraft] = useState<EventDraft>(emptyEvent);
  const [problem, setProblem] = useState<Problem>();
  const [saving, setSaving] = useState(false);
  const retryKey = useRetryKey();

  useEffect(() => {
    knownVenues().then(setVenues, (err: unknown) => setProblem(problemOf(err)));
  }, []);

  const venue = venues?.find((v) => v.id === venueId);
  const timeZone = venue?.timeZone ?? 'UTC';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...eventBody(draft, timeZone), venueId };
    setSaving(true);
    try {
      const event = await must(api.events.POST('/events', { params: { header: { 'idempotency-key': retryKey(body) } }, body }));
      navigate(`/admin/events/${event.id}?created=1`);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setSaving(false);
    }
  };

  if (!venues && !problem) return <Loading what="the venues" />;
  return (
    <section>
      <h1>New event</h1>
      <p className="hint">
        The event is saved as a draft, invisible to customers until you price and publish it. No venue yet?{' '}
        <Link href="/admin/venues/new">Draw one</Link>.
      </p>
      <form className="event-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Event">
        <VenueSelect venues={venues ?? []} value={venueId} onChange={setVenueId} problem={problem} />
        {venue && (
          <p className="notice">
            Times are on the clock of {venue.name}: {venue.timeZone}.
          </p>
        )}
        <EventDetailsFields draft={draft} onChange={setDraft} timeZone={timeZone} problem={problem} />
        <ProblemMessage problem={problem} />
        <button type="submit" disabled={saving}>
          {saving ? 'Creating the event…' : 'Create draft event'}
        </button>
      </form>
    </section>
  );
}
