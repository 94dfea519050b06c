// A booking's status as a coloured word.
import { statusWords } from './booking-words.ts';
import type { BookingStatus } from './types.ts';

const TONE: Partial<Record<BookingStatus, string>> = {
  CONFIRMED: 'ok',
  HELD: 'warn',
  PAYING: 'warn',
  PENDING: 'warn',
  FAILED: 'bad',
  EXPIRED: 'muted',
  CANCELLED: 'muted',
  REFUNDED: 'muted',
};

export function BookingStatusBadge({ status }: { status: BookingStatus }) {
  return <span className={`status status-${TONE[status] ?? 'muted'}`}>{statusWords(status)}</span>;
}
