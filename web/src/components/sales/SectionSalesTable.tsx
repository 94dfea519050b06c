// Seats per section: sold and held from the bookings service, free and the total from the events service.
import type { Availability, EventSales } from './sales-data.ts';

interface Row {
  section: string;
  sold: number;
  held: number;
  free: number | null;
  total: number | null;
}

/** Every section of the venue, and any the bookings know that the availability does not (named all the same). */
function rowsOf(sales: EventSales, availability: Availability): Row[] {
  const booked = new Map(sales.sections.map((s) => [s.section, s]));
  const rows: Row[] = availability.sections.map((a) => ({
    section: a.section,
    sold: booked.get(a.section)?.sold ?? 0,
    held: booked.get(a.section)?.held ?? 0,
    free: a.available,
    total: a.total,
  }));
  for (const s of sales.sections)
    if (!rows.some((r) => r.section === s.section)) rows.push({ section: s.section, sold: s.sold, held: s.held, free: null, total: null });
  return rows;
}

export function SectionSalesTable({ sales, availability }: { sales: EventSales; availability: Availability }) {
  const rows = rowsOf(sales, availability);
  return (
    <table className="sales-sections">
      <caption>Seats by section</caption>
      <thead>
        <tr>
          <th scope="col">Section</th>
          <th scope="col">Sold</th>
          <th scope="col">Held</th>
          <th scope="col">Free</th>
          <th scope="col">Seats</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.section}>
            <th scope="row">{r.section}</th>
            <td>{r.sold}</td>
            <td>{r.held}</td>
            <td>{r.free ?? 'Unknown'}</td>
            <td>{r.total ?? 'Unknown'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
