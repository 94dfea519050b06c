// Ticket barcodes that a door can check without asking anyone: the print code is a compact JWS signed with the event's
// Ed25519 key (what a PDF carries), the rotating code is the print code plus a one-time code of the current 15 s window
// (what the app shows; a screenshot is useless a window later). Pure: the keys come from ticket-keys.ts.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** Seconds one rotating code stays current; the door accepts the window before and after too (clock drift). */
export const ROTATION_PERIOD_S = 15;
/** Longer than any code we issue (about 350 characters): anything longer is refused before it is parsed. */
const MAX_CODE_LENGTH = 2048;
const ALG = 'EdDSA';
const TYP = 'evx-ticket';
const OTP_LENGTH = 10;

export interface TicketKeyMaterial {
  kid: string;
  eventId: string;
  publicJwk: JWK;
  privateJwk: JWK;
  /** base64url of 32 random bytes: derives each ticket's secret for its rotating code. */
  rotationSecret: string;
}

export interface TicketClaims {
  eventId: string;
  ticketId: string;
  seatLabel: string;
  /** The ticket's generation when signed: a code of an earlier one is void (the ticket was transferred). */
  generation: number;
  notBefore: Date;
  expiresAt: Date;
}

/** What checks the codes of an event: a key's public half and its rotation secret. */
export interface VerifyingKey {
  kid: string;
  eventId: string;
  publicJwk: JWK;
  rotationSecret: string;
}

export type ScanRefusal = 'TICKET_MALFORMED' | 'TICKET_INVALID_SIGNATURE' | 'TICKET_WRONG_EVENT' | 'TICKET_EXPIRED' | 'TICKET_CODE_EXPIRED';

export type ScanCheck =
  | {
      ok: true;
      kind: 'print' | 'rotating';
      claims: TicketClaims;
      kid: string;
      /** Only with `expiry: 'ignore'`: the code's `exp` has passed (every other check passed); the caller decides. */
      expired?: true;
    }
  | { ok: false; code: ScanRefusal; message: string; ticketId?: string };

export interface CheckScanOptions {
  /**
   * `code` (the default): a code past its `exp` is refused as TICKET_EXPIRED, all a scanner without the network can
   * know. `ignore`: it is accepted with `expired: true`, for a door that knows the event's current dates (a postponed
   * event outlives the `exp` printed on its tickets).
   */
  expiry?: 'code' | 'ignore';
}

/** How far the door's clock may be behind the one that signed a code still counts as on time (`nbf`). */
export const NOT_BEFORE_LEEWAY_MS = 60_000;

/** The signed payload, short names to keep the QR code small. */
interface TicketPayload {
  e: string;
  t: string;
  s: string;
  g: number;
  nbf: number;
  exp: number;
}

/** A new key pair for an event; `kid` names the event so a glance at a code tells whose it is. */
export async function newTicketKeyMaterial(eventId: string): Promise<TicketKeyMaterial> {
  const kid = `evt-${eventTag(eventId)}-${randomBytes(4).toString('hex')}`;
  const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  return { kid, eventId, publicJwk, privateJwk, rotationSecret: randomBytes(32).toString('base64url') };
}

/** The first 8 hex digits of the event's UUID (a hash of the id for an id that is not one). */
function eventTag(eventId: string): string {
  const hex = eventId.toLowerCase().replace(/-/g, '');
  return /^[0-9a-f]{8}/.test(hex) ? hex.slice(0, 8) : createHash('sha256').update(eventId).digest('hex').slice(0, 8);
}

/**
 * The print code of a ticket. Ed25519 signatures are deterministic, so the same key and claims give the same code:
 * it can be computed again whenever asked for instead of being stored.
 */
export async function signTicket(key: TicketKeyMaterial, claims: TicketClaims): Promise<string> {
  if (claims.eventId !== key.eventId) throw new Error(`key ${key.kid} belongs to event ${key.eventId}, not ${claims.eventId}`);
  const payload: TicketPayload = {
    e: claims.eventId,
    t: claims.ticketId,
    s: claims.seatLabel,
    g: claims.generation,
    nbf: unixSeconds(claims.notBefore),
    exp: unixSeconds(claims.expiresAt),
  };
  const privateKey = await importJWK({ ...key.privateJwk, alg: ALG }, ALG);
  return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: ALG, kid: key.kid, typ: TYP }).sign(privateKey);
}

/**
 * A ticket's own secret for its rotating codes, derived from the rotation secret of the key that signed its print
 * code. The holder's app is given it (base64url) to compute codes itself; an offline scanner carries the event's
 * rotation secret and derives it. A new generation (a transfer) gets a new secret: the old holder's app stops working.
 */
export function ticketSecret(rotationSecret: string, ticketId: string, generation: number): Buffer {
  return createHmac('sha256', Buffer.from(rotationSecret, 'base64url')).update(`${ticketId}:${generation}`).digest();
}

/** What the app shows at `at`: `<printCode>.<window>.<otp>`. */
export function rotatingCode(printCode: string, secret: Buffer, ticketId: string, generation: number, at: Date): string {
  const window = windowOf(at);
  return `${printCode}.${window}.${otpOf(secret, ticketId, generation, window)}`;
}

function windowOf(at: Date): number {
  return Math.floor(at.getTime() / 1000 / ROTATION_PERIOD_S);
}

function otpOf(secret: Buffer, ticketId: string, generation: number, window: number): string {
  return createHmac('sha256', secret).update(`${ticketId}:${generation}:${window}`).digest('base64url').slice(0, OTP_LENGTH);
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

const refuse = (code: ScanRefusal, message: string, ticketId?: string): ScanCheck => ({
  ok: false,
  code,
  message,
  ...(ticketId ? { ticketId } : {}),
});

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const WINDOW = /^\d{1,12}$/;
const OTP = new RegExp(`^[A-Za-z0-9_-]{${OTP_LENGTH}}$`);

/**
 * Checks a scanned code against the keys of the event at the door: signature (kid must be among `keys`, whatever event
 * the payload names), event, validity window (`nbf` with NOT_BEFORE_LEEWAY_MS of clock drift; `exp` as `options.expiry`
 * says), and for a rotating code its window (current ±1) and otp (timing-safe).
 * `keys` may hold keys of other events too: a code signed by one of those is another event's ticket, not a forgery.
 * Any string may come in: it answers a refusal, never throws for what was scanned.
 */
export async function checkScan(
  code: string,
  doorEventId: string,
  keys: VerifyingKey[],
  now: Date,
  options: CheckScanOptions = {},
): Promise<ScanCheck> {
  if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH) return refuse('TICKET_MALFORMED', 'Not a ticket code.');
  const parts = code.trim().split('.');
  if (parts.length !== 3 && parts.length !== 5) return refuse('TICKET_MALFORMED', 'Not a ticket code.');
  const [header, payload, signature, window, otp] = parts as [string, string, string, string?, string?];
  if (![header, payload, signature].every((part) => BASE64URL.test(part))) return refuse('TICKET_MALFORMED', 'Not a ticket code.');
  if (window !== undefined && !(WINDOW.test(window) && OTP.test(otp ?? ''))) {
    return refuse('TICKET_MALFORMED', 'Not a ticket code: its rotating part is not one.');
  }
  const kid = kidOf(header);
  if (kid === undefined) return refuse('TICKET_MALFORMED', 'Not a ticket code: its header is not one of ours.');

  const key = keys.find((k) => k.kid === kid);
  if (!key) return refuse('TICKET_INVALID_SIGNATURE', 'The code is not signed by a key we know.');
  const claims = await verifiedClaims(`${header}.${payload}.${signature}`, key);
  if (claims === 'invalid') return refuse('TICKET_INVALID_SIGNATURE', 'The code’s signature does not match it.');
  if (claims === 'malformed') return refuse('TICKET_MALFORMED', 'The code’s content is not a ticket.');

  const { ticketId } = claims;
  if (key.eventId !== doorEventId || claims.eventId !== doorEventId) {
    return refuse('TICKET_WRONG_EVENT', 'This ticket is for another event.', ticketId);
  }
  const expired = now.getTime() >= claims.expiresAt.getTime();
  if (now.getTime() < claims.notBefore.getTime() - NOT_BEFORE_LEEWAY_MS || (expired && options.expiry !== 'ignore')) {
    return refuse('TICKET_EXPIRED', 'This ticket is not valid at this time.', ticketId);
  }
  const accepted = (kind: 'print' | 'rotating'): ScanCheck => ({
    ok: true,
    kind,
    claims,
    kid,
    ...(expired ? { expired: true as const } : {}),
  });
  if (window === undefined) return accepted('print');

  if (Math.abs(Number(window) - windowOf(now)) > 1) {
    return refuse('TICKET_CODE_EXPIRED', 'This code has expired: show the live code in the app.', ticketId);
  }
  const expected = otpOf(ticketSecret(key.rotationSecret, ticketId, claims.generation), ticketId, claims.generation, Number(window));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(otp!))) {
    return refuse('TICKET_CODE_EXPIRED', 'This code is not the live code of the ticket: show it in the app.', ticketId);
  }
  return accepted('rotating');
}

/**
 * The key id a scanned code names (unverified), or undefined when it is no code of ours: what to look up with
 * keysByKid when the door's own keys do not have it.
 */
export function scannedKid(code: string): string | undefined {
  if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH) return undefined;
  const [header] = code.trim().split('.', 1);
  return header && BASE64URL.test(header) ? kidOf(header) : undefined;
}

/** The key id of a protected header of ours, or undefined when the header is not one. */
function kidOf(header: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { alg, kid, typ } = parsed as Record<string, unknown>;
  if (alg !== ALG || typ !== TYP || typeof kid !== 'string' || kid.length === 0 || kid.length > 64) return undefined;
  return kid;
}

async function verifiedClaims(jws: string, key: VerifyingKey): Promise<TicketClaims | 'invalid' | 'malformed'> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, await publicKeyOf(key), { algorithms: [ALG] }));
  } catch {
    return 'invalid';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return 'malformed';
  }
  return isPayload(parsed) ? claimsOf(parsed) : 'malformed';
}

function isPayload(value: unknown): value is TicketPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { e, t, s, g, nbf, exp } = value as Record<string, unknown>;
  return (
    typeof e === 'string' &&
    typeof t === 'string' &&
    typeof s === 'string' &&
    Number.isSafeInteger(g) &&
    Number.isSafeInteger(nbf) &&
    Number.isSafeInteger(exp)
  );
}

function claimsOf(p: TicketPayload): TicketClaims {
  return {
    eventId: p.e,
    ticketId: p.t,
    seatLabel: p.s,
    generation: p.g,
    notBefore: new Date(p.nbf * 1000),
    expiresAt: new Date(p.exp * 1000),
  };
}

/** Imported public keys by kid (with the key they came from, should a kid ever name another): a scan costs one verify. */
const publicKeys = new Map<string, { x: unknown; key: Promise<CryptoKey | Uint8Array> }>();
const MAX_CACHED_KEYS = 1000;

function publicKeyOf(key: VerifyingKey): Promise<CryptoKey | Uint8Array> {
  const cached = publicKeys.get(key.kid);
  if (cached && cached.x === key.publicJwk.x) return cached.key;
  if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.delete(publicKeys.keys().next().value!);
  const imported = importJWK(publicPart(key), ALG);
  // A key that failed to import is not remembered: the next scan tries again.
  imported.catch(() => publicKeys.delete(key.kid));
  publicKeys.set(key.kid, { x: key.publicJwk.x, key: imported });
  return imported;
}

/** A key's public half only, whatever else its stored JWK carries. */
function publicPart(key: VerifyingKey): JWK {
  const { kty, crv, x } = key.publicJwk;
  return { kty, crv, x, kid: key.kid, alg: ALG, use: 'sig' };
}

/** The JWKS of the keys: what a scanner or a partner checks print codes with. Never a private part. */
export function publicKeySet(keys: VerifyingKey[]): { keys: JWK[] } {
  return { keys: keys.map(publicPart) };
}
