// The whole seat map: a grid per section, drawn from the live layout, with the customer's selection marked.
import { useMemo } from 'react';
import type { SeatLayout } from './seat-layout.ts';
import { SectionGrid } from './SectionGrid.tsx';

interface SeatMapProps {
  layout: SeatLayout;
  selected: ReadonlySet<string>;
  onToggle: (seatId: string) => void;
}

/** The selection as comma-joined columns per row, per section: what each memoised row compares. */
function selectionByRow(layout: SeatLayout, selected: ReadonlySet<string>): Map<number, string>[] {
  const bySection = layout.sections.map(() => new Map<number, string>());
  for (const seatId of selected) {
    const place = layout.places.get(seatId);
    if (!place) continue;
    const rows = bySection[place.section]!;
    const had = rows.get(place.row);
    rows.set(place.row, had ? `${had},${place.col}` : String(place.col));
  }
  return bySection;
}

export function SeatMap({ layout, selected, onToggle }: SeatMapProps) {
  const bySection = useMemo(() => selectionByRow(layout, selected), [layout, selected]);
  return (
    <div className="seat-map">
      {layout.sections.map((section, i) => (
        <SectionGrid key={section.sectionId} section={section} selectedByRow={bySection[i]!} onToggle={onToggle} />
      ))}
    </div>
  );
}
