// Reading the emails the services sent during this run (the run's SMTP sink writes each one to a file).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { until } from './wait.ts';

export interface ReceivedMail {
  raw: string;
  subject: string;
  /** The decoded text and HTML parts. */
  body: string;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function read(): ReceivedMail[] {
  const dir = inject('mailDir');
  return readdirSync(dir).map((file) => {
    const raw = readFileSync(join(dir, file), 'utf8');
    return { raw, subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', body: decodeQuotedPrintable(raw) };
  });
}

/** Waits for a mail to `to` whose subject matches. */
export async function mailTo(to: string, subject: RegExp, timeoutMs = 5_000): Promise<ReceivedMail> {
  let found: ReceivedMail | undefined;
  await until(() => (found = read().find((m) => m.raw.includes(`To: ${to}`) && subject.test(m.subject))) !== undefined, timeoutMs, 100);
  return found!;
}

export function mailsTo(to: string): ReceivedMail[] {
  return read().filter((m) => m.raw.includes(`To: ${to}`));
}
