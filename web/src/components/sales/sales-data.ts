// What the sales page reads: the event, its sales figures (GET /events/{id}/sales) and its availability (free seats
// are the events service's to say), loaded together.
import { api } from '../../api/client.ts';
import type { components as BookingsSchemas } from '../../api/bookings.gen.ts';
import type { components as EventsSchemas } from '../../api/events.gen.ts';
import { must } from '../../api/problems.ts';

export type EventSales = BookingsSchemas['schemas']['EventSales'];
export type SalesBucket = EventSales['bucket'];
export type Availability = EventsSchemas['schemas']['Availability'];
export type EventView = EventsSchemas['schemas']['Event'];
export type BookingView = BookingsSchemas['schemas']['Booking'];
export type BookingStatus = BookingView['status'];

export const BUCKET_NAMES: Record<SalesBucket, string> = { '15m': '15 minutes', '1h': 'Hour', '6h': '6 hours', '1d': 'Day' };

export interface SalesDetails {
  event: EventView;
  sales: EventSales;
  availability: Availability;
}

export async function loadSales(eventId: string, bucket: SalesBucket): Promise<SalesDetails> {
  const path = { id: eventId };
  const [event, sales, availability] = await Promise.all([
    must(api.events.GET('/events/{id}', { params: { path } })),
    must(api.bookings.GET('/events/{id}/sales', { params: { path, query: { bucket } } })),
    must(api.events.GET('/events/{id}/availability', { params: { path } })),
  ]);
  return { event, sales, availability };
}

/** A booking's saga in the Temporal Web UI, from the base the sales answer gives. */
export function sagaUrl(sales: EventSales, workflowId: string): string {
  return `${sales.workflowUiUrl}${encodeURIComponent(workflowId)}`;
}
