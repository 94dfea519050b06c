// A saved venue: its details to change, its seat map as customers will see it, and the way to put an event on there.
import { api } from '../../../api/client.ts';
import { must } from '../../../api/problems.ts';
import { Link, useQuery } from '../../../app/router.tsx';
import type { Venue } from '../../../components/admin/known-venues.ts';
import { previewOfVenue } from '../../../components/admin/venue-preview.ts';
import { VenueMapPreview } from '../../../components/admin/VenueMapPreview.tsx';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../../components/common/use-loaded.ts';
import { VenueDetailsForm } from './VenueDetailsForm.tsx';

export function VenueEditPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const created = useQuery().get('created') === '1';
  const {
    data: venue,
    problem,
    setData: setVenue,
  } = useLoaded<Venue>(() => must(api.events.GET('/venues/{id}', { params: { path: { id } } })), [id]);

  if (problem) {
    return (
      <section>
        <h1>Venue</h1>
        <ProblemMessage problem={problem} />
        <Link href="/admin/venues">Back to the venues</Link>
      </section>
    );
  }
  if (!venue) return <Loading what="the venue" />;
  return (
    <section>
      <h1>{venue.name}</h1>
      {created && (
        <p role="status" className="notice">
          The venue is saved with {venue.seatCount} seats.
        </p>
      )}
      <p>
        <Link className="button" href={`/admin/events/new?venueId=${venue.id}`}>
          Create an event here
        </Link>
      </p>
      <div className="venue-editor">
        <div>
          <h2>Details</h2>
          <VenueDetailsForm venue={venue} onSaved={setVenue} />
        </div>
        <aside aria-label="Seat map" className="venue-editor-preview">
          <h2>Seat map</h2>
          <p className="hint">The layout is fixed: events are priced and sold on it.</p>
          <VenueMapPreview sections={previewOfVenue(venue)} />
        </aside>
      </div>
    </section>
  );
}
