// How a seat is named to people and screen readers: "Section Stalls, row A, seat 5, €25.00, available".
import type { SeatStatus } from './seat-layout.ts';

export type SeatLook = SeatStatus | 'selected';

const STATUS_WORDS: Record<SeatLook, string> = {
  available: 'available',
  selected: 'selected',
  held: 'held by someone else',
  sold: 'sold',
  blocked: 'not for sale',
};

export function seatLabel(section: string, row: string, number: number, price: string, look: SeatLook, accessible: boolean): string {
  return `Section ${section}, row ${row}, seat ${number}, ${price}, ${STATUS_WORDS[look]}${accessible ? ', wheelchair space' : ''}`;
}
