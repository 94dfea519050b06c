// Cursor pagination for every list: `?limit=&cursor=` in, `{ items, nextCursor }` out.
import { z } from '@hono/zod-openapi';
import { DomainError } from '../errors/domain-error.ts';

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1 to 100, default 20)' }),
  // Only its length here: its content is checked where the list decodes it, so every wrong cursor is INVALID_CURSOR.
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page, unchanged (anything else: 422 INVALID_CURSOR)' }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  });
}

/** The position after the last row of a page (its sort keys), opaque to clients. */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** Anything but a cursor this list gave out: refused before any query, in the domain's words (lists decode cursors). */
function badCursor(): never {
  throw new DomainError('invalid', 'INVALID_CURSOR', 'The cursor is not one this list gave out.', {
    errors: [{ field: 'cursor', message: 'is not a cursor this list gave out; pass a `nextCursor` unchanged' }],
  });
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  if (!BASE64URL.test(cursor)) return badCursor();
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(keys) && keys.length === arity && keys.every((k) => typeof k === 'string' || typeof k === 'number')) return keys;
  } catch {
    // answered below
  }
  return badCursor();
}

/** The row ids of every list: what PostgreSQL's uuid type reads. */
const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CURSOR_YEARS = { from: 1900, to: 9999 };

/** A date exactly as cursorKeys wrote it (`toISOString()`): no other format, and never an invalid date, reaches a query. */
function cursorDate(value: unknown): Date {
  const at = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== value) return badCursor();
  // Every list's dates are within these years; PostgreSQL refuses some dates JavaScript can write.
  if (at.getUTCFullYear() < CURSOR_YEARS.from || at.getUTCFullYear() > CURSOR_YEARS.to) return badCursor();
  return at;
}

function cursorId(value: unknown): string {
  if (typeof value !== 'string' || !ROW_ID.test(value)) return badCursor();
  return value;
}

/** Rows were fetched with `limit + 1`: the extra one only says whether another page exists. */
export function toPage<R, I>(rows: R[], limit: number, keysOf: (row: R) => (string | number)[], toItem: (row: R) => I) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keysOf(last)) : null };
}

/**
 * Lists ordered by a date and then the id, `desc` (newest first) or `asc` (soonest first): the filter for the rows
 * after the cursor's position.
 */
export function afterCursor(cursor: string | undefined, field: string, order: 'asc' | 'desc'): Record<string, unknown> {
  if (!cursor) return {};
  const [value, key] = decodeCursor(cursor, 2);
  const at = cursorDate(value);
  const id = cursorId(key);
  const past = order === 'asc' ? '$gt' : '$lt';
  return { $or: [{ [field]: { [past]: at } }, { [field]: at, id: { [past]: id } }] };
}

/** The cursor keys of a row in a list ordered by `field` then id. */
export function cursorKeys<F extends string>(field: F) {
  return (row: { id: string } & Record<F, Date>): string[] => [row[field].toISOString(), row.id];
}
