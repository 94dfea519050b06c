// A venue's seat map as it will be: each section drawn row by row, accessible and blocked seats marked, with a
// summary that screen readers hear as it changes. Drawn in SVG so thousands of seats stay cheap to redraw.

export interface PreviewSeat {
  number: number;
  accessible: boolean;
  blocked: boolean;
}
export interface PreviewSection {
  name: string;
  rows: { label: string; seats: PreviewSeat[] }[];
}

const SEAT = 12;
const GAP = 3;
const LABEL = 28;

const seatsOf = (section: PreviewSection) => section.rows.flatMap((r) => r.seats);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function sectionSummary(section: PreviewSection): string {
  const seats = seatsOf(section);
  const accessible = seats.filter((s) => s.accessible).length;
  const blocked = seats.filter((s) => s.blocked).length;
  return `${section.name || 'Unnamed section'}: ${plural(section.rows.length, 'row')}, ${plural(seats.length, 'seat')}, ${accessible} accessible, ${blocked} blocked`;
}

function seatClass(seat: PreviewSeat): string {
  if (seat.blocked) return 'seat-blocked';
  return seat.accessible ? 'seat-accessible' : 'seat-plain';
}

function SectionDrawing({ section }: { section: PreviewSection }) {
  const widest = Math.max(1, ...section.rows.map((r) => r.seats.length));
  const width = LABEL + widest * (SEAT + GAP);
  const height = Math.max(1, section.rows.length) * (SEAT + GAP);
  return (
    <figure className="venue-preview-section">
      <figcaption>{section.name || 'Unnamed section'}</figcaption>
      <svg role="img" aria-label={sectionSummary(section)} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        {section.rows.map((row, r) => (
          <g key={`${row.label}-${r}`} transform={`translate(0 ${r * (SEAT + GAP)})`}>
            <text x={0} y={SEAT - 2} className="row-label">
              {row.label}
            </text>
            {row.seats.map((seat, s) => (
              <rect
                key={`${seat.number}-${s}`}
                x={LABEL + s * (SEAT + GAP)}
                width={SEAT}
                height={SEAT}
                rx={2}
                className={seatClass(seat)}
              />
            ))}
          </g>
        ))}
      </svg>
    </figure>
  );
}

export function VenueMapPreview({ sections }: { sections: PreviewSection[] }) {
  const seats = sections.flatMap(seatsOf);
  const accessible = seats.filter((s) => s.accessible).length;
  const blocked = seats.filter((s) => s.blocked).length;
  return (
    <div className="venue-preview">
      <p role="status" aria-live="polite" className="venue-preview-summary">
        {plural(sections.length, 'section')}, {plural(seats.length, 'seat')} ({accessible} accessible, {blocked} blocked)
      </p>
      <p className="stage">Stage</p>
      {sections.map((section, i) => (
        <SectionDrawing key={i} section={section} />
      ))}
      <ul className="venue-preview-legend" aria-label="Legend">
        <li>
          <span className="swatch seat-plain" aria-hidden="true" /> Seat
        </li>
        <li>
          <span className="swatch seat-accessible" aria-hidden="true" /> Accessible seat
        </li>
        <li>
          <span className="swatch seat-blocked" aria-hidden="true" /> Blocked (never sold)
        </li>
      </ul>
    </div>
  );
}
