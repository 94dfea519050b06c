// The printable tickets of a booking, read back as a customer and a door scanner would: one page per ticket naming
// the event, its time in the event's zone, the venue, the seat and the holder, with a QR code that decodes to the
// ticket's print code; any Unicode in what users typed renders instead of failing the PDF.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKET_TERMS, eventTimeText, renderTicketsPdf, winAnsiText, type TicketPdfInput } from '../domain/bookings/ticket-pdf.ts';
import { pdfPages } from './support/ticket-pdf.ts';

/** Shaped like a print code (a compact JWS: header, payload, Ed25519 signature), about 340 characters. */
const printCode = () => [randomBytes(60), randomBytes(128), randomBytes(64)].map((part) => part.toString('base64url')).join('.');

const berlinEvent: TicketPdfInput['event'] = {
  title: 'Die Zauberflöte',
  startsAt: new Date('2027-03-05T19:30:00Z'),
  timeZone: 'Europe/Berlin',
  venueName: 'Staatsoper Unter den Linden',
  venueAddress: 'Unter den Linden 7, 10117 Berlin',
};

const ticket = (n: number, overrides: Partial<TicketPdfInput['tickets'][number]> = {}) => ({
  ticketId: `7f3c2a10-0000-4000-8000-00000000000${n}`,
  section: 'Stalls',
  seatLabel: `A-${10 + n}`,
  holderName: `Holder Number${n}`,
  code: printCode(),
  ...overrides,
});

/** Counts the page objects of a PDF from its bytes (pdfkit writes them uncompressed), without rendering it. */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;

describe('ticket PDFs', () => {
  it('prints one page per ticket with the event, its time in the event zone, seat, holder and a QR code of its code', async () => {
    const tickets = [ticket(1), ticket(2, { seatLabel: 'Stalls A-12' }), ticket(3, { section: 'Balcony', seatLabel: 'C-3' })];
    expect(tickets.every((t) => t.code.length > 320 && t.code.length < 360)).toBe(true);
    const pdf = await renderTicketsPdf({ bookingReference: 'AB12CD34', event: berlinEvent, tickets });

    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    expect(pages).toHaveLength(3);
    for (const [i, page] of pages.entries()) {
      const own = tickets[i]!;
      for (const expected of [
        'EVENTIX',
        'Die Zauberflöte',
        // 19:30 UTC is 20:30 in Berlin in March (CET), with the zone named.
        'Friday, 5 March 2027 at 20:30 CET (Europe/Berlin)',
        'Staatsoper Unter den Linden',
        'Unter den Linden 7, 10117 Berlin',
        own.section,
        own.seatLabel,
        own.holderName,
        'AB12CD34',
        own.ticketId,
        `Ticket ${i + 1} of 3`,
        DEFAULT_TICKET_TERMS.slice(0, 40),
      ]) {
        expect(page.text, `page ${i + 1}`).toContain(expected);
      }
      expect(page.text).not.toContain('19:30');
      // Each page is its own ticket: no other ticket's holder or id, and its QR code is its own code.
      for (const other of tickets.filter((t) => t !== own)) {
        expect(page.text).not.toContain(other.holderName);
        expect(page.text).not.toContain(other.ticketId);
      }
      expect(page.qr, `QR code of page ${i + 1}`).toBe(own.code);
    }
  });

  it('names the time in the event zone, summer time included, and falls back to UTC for a zone it does not know', () => {
    const summer = new Date('2027-07-01T18:00:00Z');
    expect(eventTimeText(summer, 'Europe/Berlin')).toBe('Thursday, 1 July 2027 at 20:00 CEST (Europe/Berlin)');
    expect(eventTimeText(summer, 'America/New_York')).toBe('Thursday, 1 July 2027 at 14:00 GMT-4 (America/New_York)');
    expect(eventTimeText(summer, 'Asia/Kolkata')).toBe('Thursday, 1 July 2027 at 23:30 GMT+5:30 (Asia/Kolkata)');
    expect(eventTimeText(summer, 'UTC')).toBe('Thursday, 1 July 2027 at 18:00 UTC');
    for (const unknown of ['Mars/Olympus_Mons', '', 'Europe/Berlin; drop table']) {
      expect(eventTimeText(summer, unknown), JSON.stringify(unknown)).toBe('Thursday, 1 July 2027 at 18:00 UTC');
    }
  });

  it('renders an event whose zone is unknown in UTC, and one without an address', async () => {
    const pdf = await renderTicketsPdf({
      bookingReference: 'ZZ000001',
      event: { ...berlinEvent, timeZone: 'Not/AZone', venueAddress: null },
      tickets: [ticket(1)],
      terms: 'Doors open an hour before.\n\nNo re-entry.',
    });
    const [page, ...rest] = await pdfPages(pdf);
    expect(rest).toHaveLength(0);
    expect(page!.text).toContain('Friday, 5 March 2027 at 19:30 UTC');
    expect(page!.text).not.toContain('null');
    expect(page!.text).toContain('Doors open an hour before.\nNo re-entry.');
    expect(page!.text).not.toContain(DEFAULT_TICKET_TERMS.slice(0, 40));
  });

  it('shows what the standard fonts lack as "?" instead of failing: emoji, CJK, control characters', async () => {
    expect(winAnsiText('Café “Live” – €5 Straße ÆØÅ œ')).toBe('Café “Live” – €5 Straße ÆØÅ œ');
    // An emoji with its modifiers or joiners is one character to its reader, so one "?".
    expect(winAnsiText('Party 🎉👍🏽👨‍👩‍👧🇩🇪!')).toBe('Party ????!');
    expect(winAnsiText('東京ドーム')).toBe('?????');
    // Composed where Latin-1 has the letter, one "?" where it does not; white space and controls become one space.
    expect(winAnsiText('Cafe\u0301 q\u0301')).toBe('Café ?');
    expect(winAnsiText(' Row\tA\r\nSeat\u202f12\u0000\u0007 ')).toBe('Row A Seat 12');
    expect(winAnsiText('lone \ud83d surrogate')).toBe('lone ? surrogate');

    const tickets = [ticket(1, { holderName: '山田 太郎 😀', section: 'Ärena Nord' })];
    const pdf = await renderTicketsPdf({
      bookingReference: 'UNI00001',
      event: { ...berlinEvent, title: '🎸 東京 Rock Night — Ünïcödé', venueName: 'Zepp Haneda ホール', venueAddress: '東京都大田区' },
      tickets,
    });
    const [page] = await pdfPages(pdf);
    expect(page!.text).toContain('? ?? Rock Night — Ünïcödé');
    expect(page!.text).toContain('Zepp Haneda ???');
    expect(page!.text).toContain('?? ?? ?');
    expect(page!.text).toContain('Ärena Nord');
    expect(page!.qr).toBe(tickets[0]!.code);
  });

  it('keeps one page per ticket however long the title, names and terms are', async () => {
    const long = (word: string, n: number) => Array.from({ length: n }, () => word).join(' ');
    const tickets = [1, 2].map((n) => ticket(n, { holderName: long('Bartholomew', 40), section: long('Upper', 30) }));
    const pdf = await renderTicketsPdf({
      bookingReference: 'LONG0001',
      event: { ...berlinEvent, title: long('Extravaganza', 80), venueName: long('Hall', 60), venueAddress: long('Street', 60) },
      tickets,
      terms: long('Conditions apply.', 600),
    });
    expect(pageCount(pdf)).toBe(2);
    const pages = await pdfPages(pdf);
    expect(pages.map((p) => p.qr)).toEqual(tickets.map((t) => t.code));
    expect(pages[0]!.text).toContain('…');
  });

  it('refuses a booking without tickets, and a code no QR symbol can hold', async () => {
    await expect(renderTicketsPdf({ bookingReference: 'EMPTY001', event: berlinEvent, tickets: [] })).rejects.toThrow(/without tickets/);
    await expect(
      renderTicketsPdf({ bookingReference: 'HUGE0001', event: berlinEvent, tickets: [ticket(1, { code: 'x'.repeat(5000) })] }),
    ).rejects.toThrow(/does not fit a QR code/);
    await expect(
      renderTicketsPdf({ bookingReference: 'BAD00001', event: { ...berlinEvent, startsAt: new Date('nonsense') }, tickets: [ticket(1)] }),
    ).rejects.toThrow(/startsAt/);
  });

  it('reads a page without a QR code as having none', async () => {
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    doc.text('No code here.');
    doc.end();
    await ended;
    expect(await pdfPages(Buffer.concat(chunks))).toEqual([{ text: 'No code here.', qr: undefined }]);
  });

  it('gives the same bytes for the same input and issue date', async () => {
    const input: TicketPdfInput = {
      bookingReference: 'SAME0001',
      event: berlinEvent,
      tickets: [ticket(1), ticket(2)],
      issuedAt: new Date('2027-01-01T10:00:00Z'),
    };
    const [first, second] = [await renderTicketsPdf(input), await renderTicketsPdf(input)];
    expect(first.equals(second)).toBe(true);
    const other = await renderTicketsPdf({ ...input, tickets: [input.tickets[0]!, ticket(3)] });
    expect(other.equals(first)).toBe(false);
  });

  it('renders 50 pages without holding the event loop for long (timing printed)', async () => {
    const tickets = Array.from({ length: 50 }, (_, i) => ticket(i % 10, { seatLabel: `B-${i + 1}` }));
    await renderTicketsPdf({ bookingReference: 'WARM0001', event: berlinEvent, tickets: tickets.slice(0, 1) });

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const pdf = await renderTicketsPdf({ bookingReference: 'BULK0001', event: berlinEvent, tickets });
    const elapsed = performance.now() - started;
    delay.disable();

    expect(pageCount(pdf)).toBe(50);
    console.log(
      `[ticket-pdf] 50 pages in ${elapsed.toFixed(0)} ms (${(elapsed / 50).toFixed(1)} ms a page), ${(pdf.length / 1024).toFixed(0)} KiB, ` +
        `longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  });
});
