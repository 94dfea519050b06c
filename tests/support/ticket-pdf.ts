// Reads a ticket PDF back the way its reader would: the text of each page, and the QR code of each page as a phone at
// the door would scan it (the page rendered to pixels, then decoded), so a test checks what is printed, not how.
import jsqr from 'jsqr';
import { PDFParse } from 'pdf-parse';
import { PNG } from 'pngjs';

export interface PdfPage {
  /** The page's text, lines joined with "\n". */
  text: string;
  /** What the page's QR code decodes to; undefined when no code on it can be read. */
  qr: string | undefined;
}

/**
 * Renders at 2x (144 dpi): a ticket's QR modules come out 5 px or more, which jsQR reads reliably; a page it cannot
 * read is tried again larger before it is reported as having no code.
 */
const SCALES = [2, 3];

// jsqr is CommonJS typed as an ES module: its function is the `default` export of the module object.
const jsQR = jsqr.default;

/** Each page of the PDF in order: its text and its QR code's payload. */
export async function pdfPages(pdf: Buffer): Promise<PdfPage[]> {
  // pdf.js may take over (detach) the buffer it is given: hand it a copy, the caller keeps theirs.
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const text = await parser.getText({ pageJoiner: '' });
    const pages: PdfPage[] = [];
    for (const page of text.pages) pages.push({ text: page.text.trim(), qr: await pageQr(parser, page.num) });
    return pages;
  } finally {
    await parser.destroy();
  }
}

async function pageQr(parser: PDFParse, pageNumber: number): Promise<string | undefined> {
  for (const scale of SCALES) {
    const shot = await parser.getScreenshot({ partial: [pageNumber], scale, imageBuffer: true, imageDataUrl: false });
    const image = shot.pages[0];
    if (!image) return undefined;
    const png = PNG.sync.read(Buffer.from(image.data));
    const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
    // Tickets print dark modules on white: skipping the inverted pass halves the decoding time.
    const found = jsQR(pixels, png.width, png.height, { inversionAttempts: 'dontInvert' });
    if (found) return found.data;
  }
  return undefined;
}
