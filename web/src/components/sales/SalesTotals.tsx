// The money and the bookings: gross revenue, refunds, what is kept, and how many bookings are in each state.
import { money } from '../common/format.ts';
import type { BookingStatus, EventSales } from './sales-data.ts';

const STATUS_NAMES: Record<BookingStatus, string> = {
  PENDING: 'Starting',
  HELD: 'Held',
  PAYING: 'Paying',
  CONFIRMED: 'Confirmed',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
  REFUNDED: 'Refunded',
};

export function SalesTotals({ sales }: { sales: EventSales }) {
  const amount = (minor: number) => (sales.currency ? money(minor, sales.currency) : '—');
  return (
    <div className="sales-totals">
      <dl className="sales-money" aria-label="Revenue">
        <div>
          <dt>Revenue</dt>
          <dd>{amount(sales.grossMinor)}</dd>
        </div>
        <div>
          <dt>Refunds</dt>
          <dd>{amount(sales.refundedMinor)}</dd>
        </div>
        <div>
          <dt>Kept</dt>
          <dd>{amount(sales.grossMinor - sales.refundedMinor)}</dd>
        </div>
      </dl>
      <dl className="sales-statuses" aria-label="Bookings by status">
        {(Object.keys(STATUS_NAMES) as BookingStatus[]).map((s) => (
          <div key={s}>
            <dt>{STATUS_NAMES[s]}</dt>
            <dd>{sales.bookings[s]}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
