// The printable tickets of a booking: one A4 page per ticket with the event, its date in the event's own time zone, the
// venue, section and seat, the holder, and the ticket's print code as a large QR code (see ticket-codes.ts) that a door
// scans. Pure: everything it shows comes in as input, and the PDF uses only the standard Helvetica fonts and vector
// shapes, so nothing is read from disk or the network and the same input (with `issuedAt`) gives the same bytes.
import { localEventTime } from '../../common/time-zones.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export interface TicketPdfInput {
  /** What support and the customer quote for the booking, e.g. the first 8 characters of its id in upper case. */
  bookingReference: string;
  event: { title: string; startsAt: Date; timeZone: string; venueName: string; venueAddress: string | null };
  /** `code` is what the QR code carries: the ticket's print code. */
  tickets: { ticketId: string; section: string; seatLabel: string; holderName: string; code: string }[];
  /** The conditions printed at the foot of each page; DEFAULT_TICKET_TERMS when absent. */
  terms?: string;
  /** The PDF's creation date; now when absent. Fixing it makes the output the same bytes for the same input. */
  issuedAt?: Date;
}

export const DEFAULT_TICKET_TERMS =
  'This ticket admits one person, once, to the event and seat printed on it. The QR code is checked at the door: ' +
  'keep it private, because whoever shows it first is let in, and a copy is refused once the ticket has been used. ' +
  'A ticket transferred to another account gets a new code and this one stops working; the organizer may also ask ' +
  'for the rotating code in the Eventix app instead of a printed one. Cancellations and refunds follow the event’s ' +
  'cancellation policy shown with your booking. Bring a photo ID in the holder’s name if asked.';

// A4 in PostScript points.
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const INK = '#111827';
const MUTED = '#4b5563';
const BRAND = '#1e3a8a';
/** Side of the QR code, quiet zone included: about 2.6 pt a module for a print code, well above what phones need. */
const QR_SIDE = 216;
/** The white margin around the symbol that the QR standard asks for, in modules. */
const QR_QUIET_MODULES = 4;

/**
 * Renders the tickets of a booking, one page each, in the order given. Throws for input no caller should send (no
 * tickets, an invalid start date, a code too long for a QR symbol); any text, in any script, renders.
 * Yields to the event loop between pages so a large booking does not hold up other requests.
 */
export async function renderTicketsPdf(input: TicketPdfInput): Promise<Buffer> {
  if (input.tickets.length === 0) throw new Error('renderTicketsPdf: a booking without tickets has no PDF to render');
  if (Number.isNaN(input.event.startsAt.getTime())) throw new Error('renderTicketsPdf: event.startsAt is not a valid date');
  const symbols = input.tickets.map((ticket) => qrSymbol(ticket.code, ticket.ticketId));

  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: {
      Title: `Eventix tickets: ${input.event.title}`.replace(/\p{Cc}/gu, ' '),
      Author: 'Eventix',
      Creator: 'Eventix',
      Producer: 'Eventix',
      CreationDate: input.issuedAt ?? new Date(),
    },
  });
  const done = collect(doc);

  const shared = {
    reference: winAnsiText(input.bookingReference),
    title: winAnsiText(input.event.title),
    when: eventTimeText(input.event.startsAt, input.event.timeZone),
    venueName: winAnsiText(input.event.venueName),
    venueAddress: input.event.venueAddress === null ? '' : winAnsiText(input.event.venueAddress),
    terms: winAnsiParagraphs(input.terms ?? DEFAULT_TICKET_TERMS),
    count: input.tickets.length,
  };
  for (const [index, ticket] of input.tickets.entries()) {
    if (index > 0) await nextTurn();
    drawTicketPage(doc, shared, ticket, symbols[index]!, index + 1);
  }
  doc.end();
  return done;
}

type SharedText = {
  reference: string;
  title: string;
  when: string;
  venueName: string;
  venueAddress: string;
  terms: string;
  count: number;
};

function drawTicketPage(
  doc: PDFKit.PDFDocument,
  shared: SharedText,
  ticket: TicketPdfInput['tickets'][number],
  symbol: QRCode.QRCode,
  number: number,
): void {
  doc.addPage({ size: 'A4', margin: 0 });

  // Header band.
  doc.rect(0, 0, PAGE.width, 64).fill(BRAND);
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(24).text('EVENTIX', MARGIN, 20, { lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(`Ticket ${number} of ${shared.count}`, MARGIN, 28, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });

  // The event: every text box has a height, so an overlong value is cut with an ellipsis instead of flowing onto a
  // page of its own.
  let y = 92;
  y = box(doc, shared.title, y, { font: 'Helvetica-Bold', size: 24, color: INK, lines: 3 });
  y = box(doc, shared.when, y + 6, { font: 'Helvetica', size: 13, color: INK, lines: 2 });
  y = box(doc, shared.venueName, y + 10, { font: 'Helvetica-Bold', size: 13, color: INK, lines: 2 });
  if (shared.venueAddress) y = box(doc, shared.venueAddress, y + 2, { font: 'Helvetica', size: 11, color: MUTED, lines: 2 });

  y += 18;
  doc
    .moveTo(MARGIN, y)
    .lineTo(PAGE.width - MARGIN, y)
    .lineWidth(0.75)
    .strokeColor('#d1d5db')
    .stroke();
  y += 22;

  // Seat and holder on the left, the QR code on the right.
  const qrX = PAGE.width - MARGIN - QR_SIDE;
  drawQr(doc, symbol, qrX, y);
  const columnWidth = qrX - MARGIN - 24;
  const section = winAnsiText(ticket.section);
  let fieldY = y;
  fieldY = field(doc, 'SECTION', section, fieldY, columnWidth, 20);
  // The label as the venue names it ("A-12", or "Stalls A-12" where it repeats the section): what ushers read.
  fieldY = field(doc, 'SEAT', winAnsiText(ticket.seatLabel), fieldY, columnWidth, 20);
  fieldY = field(doc, 'HOLDER', winAnsiText(ticket.holderName), fieldY, columnWidth, 14);
  fieldY = field(doc, 'BOOKING REFERENCE', shared.reference, fieldY, columnWidth, 14);
  field(doc, 'TICKET ID', winAnsiText(ticket.ticketId), fieldY, columnWidth, 9);
  box(doc, 'Show this code at the door.', y + QR_SIDE + 6, {
    font: 'Helvetica',
    size: 9,
    color: MUTED,
    lines: 1,
    x: qrX,
    width: QR_SIDE,
    align: 'center',
  });

  // Terms in small type at the foot of the page.
  const termsTop = PAGE.height - MARGIN - 96;
  doc
    .moveTo(MARGIN, termsTop - 10)
    .lineTo(PAGE.width - MARGIN, termsTop - 10)
    .lineWidth(0.5)
    .strokeColor('#d1d5db')
    .stroke();
  doc.font('Helvetica-Bold').fontSize(7.5).fillColor(MUTED).text('TERMS', MARGIN, termsTop, { lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(shared.terms, MARGIN, termsTop + 11, { width: CONTENT_WIDTH, height: 85, ellipsis: true, lineGap: 1 });
}

type BoxStyle = {
  font: string;
  size: number;
  color: string;
  lines: number;
  x?: number;
  width?: number;
  align?: 'left' | 'center' | 'right';
};

/** A wrapped text of at most `lines` lines at `y`; answers the y below it. */
function box(doc: PDFKit.PDFDocument, text: string, y: number, style: BoxStyle): number {
  const x = style.x ?? MARGIN;
  const width = style.width ?? CONTENT_WIDTH;
  doc.font(style.font).fontSize(style.size).fillColor(style.color);
  const limit = doc.currentLineHeight(true) * style.lines + 0.5;
  const options = { width, height: limit, ellipsis: true, align: style.align ?? 'left' } as const;
  const used = Math.min(doc.heightOfString(text, options), limit);
  doc.text(text, x, y, options);
  return y + used;
}

/** A small label over its value (two lines at most); answers the y of the next field. */
function field(doc: PDFKit.PDFDocument, label: string, value: string, y: number, width: number, size: number): number {
  doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(label, MARGIN, y, { width, lineBreak: false });
  const bottom = box(doc, value, y + 11, { font: 'Helvetica-Bold', size, color: INK, lines: 2, width });
  return bottom + 12;
}

function qrSymbol(code: string, ticketId: string): QRCode.QRCode {
  try {
    return QRCode.create(code, { errorCorrectionLevel: 'M' });
  } catch (error) {
    throw new Error(`renderTicketsPdf: the code of ticket ${ticketId} does not fit a QR code (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * Draws the symbol as vector squares on a white square that holds the quiet zone: dark modules of a row are merged into
 * runs and filled as one path, so no hairline seams appear between neighbours when it is rasterized or printed.
 */
function drawQr(doc: PDFKit.PDFDocument, symbol: QRCode.QRCode, x: number, y: number): void {
  const { size, data } = symbol.modules;
  const module = QR_SIDE / (size + 2 * QR_QUIET_MODULES);
  const origin = { x: x + QR_QUIET_MODULES * module, y: y + QR_QUIET_MODULES * module };
  doc.rect(x, y, QR_SIDE, QR_SIDE).fill('#ffffff');
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      doc.rect(origin.x + start * module, origin.y + row * module, (col - start) * module, module);
    }
  }
  doc.fill('#000000');
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/**
 * The start as the event's audience reads it, in the event's own time zone and naming it:
 * "Friday, 5 March 2027 at 20:30 CET (Europe/Berlin)", in the characters the PDF's font can draw.
 */
export function eventTimeText(startsAt: Date, timeZone: string): string {
  return winAnsiText(localEventTime(startsAt, timeZone));
}

/**
 * Unicode code points of the characters WinAnsiEncoding places in 0x80–0x9F (the rest of it is Latin-1 from 0x20):
 * what the standard PDF fonts can show besides Latin-1.
 */
const WIN_ANSI_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);

function isWinAnsi(codePoint: number): boolean {
  return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff) || WIN_ANSI_EXTRAS.has(codePoint);
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Text as the standard PDF fonts can show it, on one line: composed (NFC) so "e" + combining accent becomes "é",
 * any run of white space (line breaks, tabs, narrow no-break spaces) one space, and each character the fonts lack
 * (an emoji with its modifiers, a CJK ideograph) one "?". Never throws, whatever the string holds.
 */
export function winAnsiText(text: string): string {
  let out = '';
  for (const { segment } of graphemes.segment(text.normalize('NFC').replace(/[\s\p{Cc}]+/gu, ' '))) {
    const codePoints = Array.from(segment, (char) => char.codePointAt(0)!);
    out += codePoints.every(isWinAnsi) ? segment : '?';
  }
  return out.trim();
}

/** Like winAnsiText, keeping paragraphs: each block between blank lines or line breaks stays its own line. */
function winAnsiParagraphs(text: string): string {
  return text
    .split(/\r?\n/)
    .map(winAnsiText)
    .filter((line) => line !== '')
    .join('\n');
}
