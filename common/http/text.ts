// Text fields of requests: only what PostgreSQL text can store and UTF-8 can encode, refused with a clear message otherwise.
import { z } from '@hono/zod-openapi';

/**
 * What a field may hold beyond printable text:
 * - `line` (names, titles, labels, search terms): a single line; every C0 control character (tab and line breaks
 *   included), DEL and the C1 controls are refused, so nothing a person typed can break an email header or a log line.
 * - `paragraph` (descriptions, reasons): tabs and line breaks (CR, LF) allowed; the other control characters refused.
 * - `opaque` (passwords, tokens, payment method references): any character, compared as sent; only what cannot be
 *   stored or encoded is refused.
 * Every kind refuses NUL (PostgreSQL text cannot hold it) and unpaired UTF-16 surrogates (UTF-8 cannot encode them; they
 * would be stored as U+FFFD, so two different inputs would become one).
 */
export type TextKind = 'line' | 'paragraph' | 'opaque';

export interface TextOptions {
  min?: number;
  max: number;
  /** Surrounding white space removed before the length checks (what the handler then sees). */
  trim?: boolean;
  kind?: TextKind;
}

const CONTROLS: Record<Exclude<TextKind, 'opaque'>, RegExp> = {
  line: /[\u0000-\u001f\u007f-\u009f]/,
  paragraph: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
};

const CONTROL_MESSAGES: Record<Exclude<TextKind, 'opaque'>, string> = {
  line: 'must be a single line of text without control characters (tabs, line breaks, U+0000 to U+001F, U+007F to U+009F)',
  paragraph: 'must not contain control characters other than tabs and line breaks',
};

/** Why a value is not storable text of this kind, or undefined when it is. */
export function textProblem(value: string, kind: TextKind = 'line'): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!value.isWellFormed()) return 'must be valid Unicode text (it contains an unpaired surrogate)';
  if (kind !== 'opaque' && CONTROLS[kind].test(value)) return CONTROL_MESSAGES[kind];
  return undefined;
}

/** A string field of a request: its length bounds, and only characters of its kind (see TextKind). */
export function text(options: TextOptions): z.ZodString {
  const { min, max, trim = false, kind = 'line' } = options;
  let schema = z.string();
  if (trim) schema = schema.trim();
  if (min !== undefined) schema = schema.min(min);
  return schema.max(max).superRefine((value, ctx) => {
    const problem = textProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
