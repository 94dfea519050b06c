// The venue being drawn, as the form holds it (text as typed), and how it becomes the API's VenueInput and the
// preview. Seats are typed as a count ("30") or as numbers ("1-12, 15"); seat lists as labels ("A-1, A-2").
import type { components } from '../../../api/events.gen.ts';
import type { Problem } from '../../../api/problems.ts';
import type { PreviewSection } from '../../../components/admin/VenueMapPreview.tsx';

export interface RowDraft {
  key: string;
  label: string;
  seats: string;
}
export interface SectionDraft {
  key: string;
  name: string;
  rows: RowDraft[];
  accessible: string;
  blocked: string;
}
export interface VenueDraft {
  name: string;
  city: string;
  address: string;
  timeZone: string;
  sections: SectionDraft[];
}

type VenueInput = components['schemas']['VenueInput'];
type FieldError = { field: string; message: string };

let nextKey = 0;
const key = () => `k${++nextKey}`;

/** The next row's label after the last one: B after A, 2 after 1. */
function nextRowLabel(rows: RowDraft[]): string {
  const last = rows.at(-1)?.label.trim() ?? '';
  if (/^\d+$/.test(last)) return String(Number(last) + 1);
  if (/^[A-Y]$/.test(last)) return String.fromCharCode(last.charCodeAt(0) + 1);
  return last ? '' : 'A';
}

export function newRow(rows: RowDraft[] = []): RowDraft {
  return { key: key(), label: nextRowLabel(rows), seats: '10' };
}

export function newSection(index: number): SectionDraft {
  return { key: key(), name: index === 0 ? 'Stalls' : '', rows: [newRow()], accessible: '', blocked: '' };
}

export function emptyVenue(): VenueDraft {
  return { name: '', city: '', address: '', timeZone: 'UTC', sections: [newSection(0)] };
}

/** "30" is a count; "1-12, 15" lists numbers. Undefined when the text is neither. */
export function parseSeats(text: string): number | number[] | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const numbers: number[] = [];
  for (const part of t.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from > 10_000) return undefined;
      for (let n = from; n <= to; n++) numbers.push(n);
    } else if (/^\d+$/.test(part)) numbers.push(Number(part));
    else return undefined;
  }
  return numbers;
}

export const parseLabels = (text: string) =>
  text
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);

const seatNumbers = (seats: number | number[] | undefined): number[] =>
  seats === undefined ? [] : Array.isArray(seats) ? seats : Array.from({ length: Math.min(seats, 500) }, (_, i) => i + 1);

/** The draft as the API's body, or the fields this form can already tell are unreadable. */
export function venueInput(draft: VenueDraft): { body: VenueInput } | { problem: Problem } {
  const errors: FieldError[] = [];
  const sections = draft.sections.map((section, s) => ({
    name: section.name,
    rows: section.rows.map((row, r) => {
      const seats = parseSeats(row.seats);
      if (seats === undefined)
        errors.push({ field: `sections.${s}.rows.${r}.seats`, message: 'type a count (30) or seat numbers (1-12, 15)' });
      return { label: row.label, seats: seats ?? 0 };
    }),
    accessible: parseLabels(section.accessible),
    blocked: parseLabels(section.blocked),
  }));
  if (errors.length) return { problem: { status: 0, code: 'VALIDATION_FAILED', errors } };
  const optional = (text: string) => (text.trim() ? text.trim() : undefined);
  return {
    body: {
      name: draft.name,
      ...(optional(draft.city) ? { city: draft.city.trim() } : {}),
      ...(optional(draft.address) ? { address: draft.address.trim() } : {}),
      timeZone: draft.timeZone,
      sections,
    },
  };
}

/** The map as the draft would make it, updated on every keystroke. */
export function previewOfDraft(draft: VenueDraft): PreviewSection[] {
  return draft.sections.map((section) => {
    const accessible = new Set(parseLabels(section.accessible));
    const blocked = new Set(parseLabels(section.blocked));
    return {
      name: section.name.trim(),
      rows: section.rows.map((row) => {
        const label = row.label.trim();
        return {
          label,
          seats: seatNumbers(parseSeats(row.seats)).map((number) => ({
            number,
            accessible: accessible.has(`${label}-${number}`),
            blocked: blocked.has(`${label}-${number}`),
          })),
        };
      }),
    };
  });
}
