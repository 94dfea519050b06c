// The ticket's live code, computed in the browser the way the door checks it (domain/bookings/ticket-codes.ts):
// `<printCode>.<window>.<otp>`, the window being the 15-second slot of the clock and the otp the first 10 characters
// of base64url(HMAC-SHA256(ticket secret, "<ticketId>:<generation>:<window>")). Computed here, it keeps rotating offline.

const OTP_LENGTH = 10;

export interface RotatingSource {
  ticketId: string;
  generation: number;
  printCode: string;
  /** base64url of the ticket's own secret, as the API gives it to the holder. */
  secret: string;
  periodSeconds: number;
}

export function windowAt(at: number, periodSeconds: number): number {
  return Math.floor(at / 1000 / periodSeconds);
}

/** When the window holding `at` ends (ms since the epoch): the next code shows then. */
export function nextChangeAt(at: number, periodSeconds: number): number {
  return (windowAt(at, periodSeconds) + 1) * periodSeconds * 1000;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function toBase64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Imports the ticket's secret once for signing; the key is not extractable. */
export function importTicketSecret(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromBase64Url(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** The live code of the window holding `at`. */
export async function rotatingCodeAt(source: RotatingSource, key: CryptoKey, at: number): Promise<string> {
  const window = windowAt(at, source.periodSeconds);
  const message = new TextEncoder().encode(`${source.ticketId}:${source.generation}:${window}`);
  const otp = toBase64Url(await crypto.subtle.sign('HMAC', key, message)).slice(0, OTP_LENGTH);
  return `${source.printCode}.${window}.${otp}`;
}
