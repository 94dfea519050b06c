// One event for its organizer: its status, details, prices, the steps of its life, its refunds once cancelled and
// its door rules.
import { useCallback } from 'react';
import { api } from '../../../api/client.ts';
import type { components } from '../../../api/events.gen.ts';
import { must } from '../../../api/problems.ts';
import { Link, useQuery } from '../../../app/router.tsx';
import type { Venue } from '../../../components/admin/known-venues.ts';
import { StatusBadge } from '../../../components/admin/StatusBadge.tsx';
import { eventTime } from '../../../components/common/format.ts';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../../components/common/use-loaded.ts';
import { CancellationProgress } from './CancellationProgress.tsx';
import { DoorPolicyForm } from './DoorPolicyForm.tsx';
import { EventActions } from './EventActions.tsx';
import { EventDetailsForm } from './EventDetailsForm.tsx';
import { PricesForm } from './PricesForm.tsx';

type Event = components['schemas']['Event'];

async function load(id: string): Promise<{ event: Event; venue: Venue }> {
  const event = await must(api.events.GET('/events/{id}', { params: { path: { id } } }));
  const venue = await must(api.events.GET('/venues/{id}', { params: { path: { id: event.venueId } } }));
  return { event, venue };
}

function EventSummary({ event, venue }: { event: Event; venue: Venue }) {
  return (
    <div className="event-summary">
      <p>
        <StatusBadge status={event.status} /> {event.onSale && <span className="badge on-sale">On sale now</span>}
      </p>
      <p className="when">{eventTime(event.startsAt, event.timeZone)}</p>
      <p className="where">
        At <Link href={`/admin/venues/${venue.id}`}>{venue.name}</Link>
      </p>
      {event.status !== 'draft' && (
        <p>
          <Link href={`/events/${event.id}`}>See it in the shop</Link> · <Link href={`/admin/events/${event.id}/sales`}>Sales</Link>
        </p>
      )}
    </div>
  );
}

export function EventEditPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const created = useQuery().get('created') === '1';
  const { data, problem, setData } = useLoaded(() => load(id), [id]);
  // The forms below answer with the changed event; the venue stays as loaded.
  const setEvent = useCallback((event: Event) => setData((found) => found && { ...found, event }), [setData]);
  const { event, venue } = data ?? {};

  if (problem) {
    return (
      <section>
        <h1>Event</h1>
        <ProblemMessage problem={problem} />
        <Link href="/admin/events">Back to the events</Link>
      </section>
    );
  }
  if (!event || !venue) return <Loading what="the event" />;
  const editable = event.status === 'draft' || event.status === 'published';
  return (
    <section>
      <h1>{event.title}</h1>
      {created && event.status === 'draft' && (
        <p role="status" className="notice">
          The draft is saved. Set its prices, then publish it.
        </p>
      )}
      <EventSummary event={event} venue={venue} />
      <div className="event-editor">
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          {editable ? (
            <EventDetailsForm key={event.status} event={event} onSaved={setEvent} />
          ) : (
            <p>A {event.status} event no longer changes.</p>
          )}
        </section>
        <div>
          <section aria-labelledby="prices-heading">
            <h2 id="prices-heading">Prices</h2>
            <PricesForm key={event.status} event={event} venue={venue} onSaved={setEvent} />
          </section>
          <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">Status</h2>
            <p aria-live="polite">
              This event is <strong>{event.status}</strong>.
            </p>
            <EventActions event={event} onChanged={setEvent} />
          </section>
          {event.status === 'cancelled' && event.publishedAt && <CancellationProgress eventId={event.id} />}
          <section aria-labelledby="door-heading">
            <h2 id="door-heading">Door rules</h2>
            <DoorPolicyForm eventId={event.id} />
          </section>
        </div>
      </div>
    </section>
  );
}
