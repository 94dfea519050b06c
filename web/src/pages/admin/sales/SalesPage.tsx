// An event's sales (/admin/events/:id/sales, admins): seats by section, the money, the bookings by status, confirmed
// sales over time and the bookings themselves, each with its saga.
import { useState } from 'react';
import { Link } from '../../../app/router.tsx';
import { eventTime } from '../../../components/common/format.ts';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../../components/common/use-loaded.ts';
import { BookingSearch } from '../../../components/sales/BookingSearch.tsx';
import { SalesChart } from '../../../components/sales/SalesChart.tsx';
import { SalesTotals } from '../../../components/sales/SalesTotals.tsx';
import { SectionSalesTable } from '../../../components/sales/SectionSalesTable.tsx';
import { BUCKET_NAMES, loadSales, type SalesBucket, type SalesDetails } from '../../../components/sales/sales-data.ts';

export function SalesPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const [bucket, setBucket] = useState<SalesBucket>('1h');
  const { data: details, problem } = useLoaded<SalesDetails>(() => loadSales(id, bucket), [id, bucket]);

  if (problem) return <ProblemMessage problem={problem} />;
  if (!details) return <Loading what="the sales" />;
  const { event, sales, availability } = details;
  return (
    <article className="sales-page">
      <h1>Sales: {event.title}</h1>
      <p className="when">
        {eventTime(event.startsAt, event.timeZone)} · <Link href={`/admin/events/${id}`}>Edit the event</Link>
      </p>
      <SalesTotals sales={sales} />
      <SectionSalesTable sales={sales} availability={availability} />
      <section aria-labelledby="sales-time-title">
        <h2 id="sales-time-title">Over time</h2>
        <BucketPicker bucket={bucket} onChange={setBucket} />
        <SalesChart sales={sales} />
      </section>
      <BookingSearch eventId={id} sales={sales} />
    </article>
  );
}

function BucketPicker({ bucket, onChange }: { bucket: SalesBucket; onChange: (b: SalesBucket) => void }) {
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor="sales-bucket">Sales per</label>
        <select id="sales-bucket" value={bucket} onChange={(e) => onChange(e.target.value as SalesBucket)}>
          {(Object.keys(BUCKET_NAMES) as SalesBucket[]).map((b) => (
            <option key={b} value={b}>
              {BUCKET_NAMES[b]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
