// Ticket barcodes: print codes (an Ed25519 JWS) and the app's rotating codes, checked at the door without a call, each
// refusal with its own code; and the event's key set in the bookings database (one key on first use however many ask
// at once, rotation, retirement).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, recreateDatabase, type Orm } from '../common/db/orm.ts';
import {
  checkScan,
  NOT_BEFORE_LEEWAY_MS,
  newTicketKeyMaterial,
  publicKeySet,
  ROTATION_PERIOD_S,
  rotatingCode,
  scannedKid,
  signTicket,
  ticketSecret,
  type TicketClaims,
  type TicketKeyMaterial,
  type VerifyingKey,
} from '../domain/bookings/ticket-codes.ts';
import { keysByKid, retireKey, rotateKey, signingKey, verifyingKeys } from '../domain/bookings/ticket-keys.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';

const HOUR = 60 * 60_000;
const verifying = ({ kid, eventId, publicJwk, rotationSecret }: TicketKeyMaterial): VerifyingKey => ({
  kid,
  eventId,
  publicJwk,
  rotationSecret,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const wholeSeconds = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000);
const unb64 = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('ticket codes', () => {
  const eventId = randomUUID();
  const otherEventId = randomUUID();
  const now = new Date('2026-12-20T19:30:07.250Z');
  let key: TicketKeyMaterial;
  let otherKey: TicketKeyMaterial;
  let claims: TicketClaims;
  let print: string;

  beforeAll(async () => {
    key = await newTicketKeyMaterial(eventId);
    otherKey = await newTicketKeyMaterial(otherEventId);
    claims = {
      eventId,
      ticketId: randomUUID(),
      seatLabel: 'B-14',
      generation: 1,
      notBefore: new Date(now.getTime() - 48 * HOUR),
      expiresAt: new Date(now.getTime() + 5 * HOUR),
    };
    print = await signTicket(key, claims);
  });

  const check = (code: string, at = now, keys = [verifying(key)], door = eventId) => checkScan(code, door, keys, at);
  const refusal = async (code: string, at = now, keys = [verifying(key)], door = eventId) => {
    const result = await check(code, at, keys, door);
    return result.ok ? 'ACCEPTED' : result.code;
  };
  const appCode = (at: Date, generation = 1, printCode = print) =>
    rotatingCode(printCode, ticketSecret(key.rotationSecret, claims.ticketId, generation), claims.ticketId, generation, at);

  it('names the event in the kid and keeps the code short', () => {
    expect(key.kid).toMatch(new RegExp(`^evt-${eventId.replace(/-/g, '').slice(0, 8)}-[0-9a-f]{8}$`));
    expect(otherKey.kid).not.toBe(key.kid);
    expect(key.rotationSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(print.split('.')).toHaveLength(3);
    expect(unb64(print.split('.')[0]!)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'evx-ticket' });
    expect(unb64(print.split('.')[1]!)).toEqual({
      e: eventId,
      t: claims.ticketId,
      s: 'B-14',
      g: 1,
      nbf: Math.floor(claims.notBefore.getTime() / 1000),
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
    });
    expect(print.length).toBeLessThan(400);
    expect(scannedKid(print)).toBe(key.kid);
    expect(scannedKid('garbage')).toBeUndefined();
  });

  it('signs the same claims to the same code (a print code is computed again, not stored)', async () => {
    expect(await signTicket(key, claims)).toBe(print);
    expect(await signTicket(key, { ...claims, generation: 2 })).not.toBe(print);
    await expect(signTicket(otherKey, claims)).rejects.toThrow(/belongs to event/);
  });

  it('accepts a print code with its claims', async () => {
    expect(await check(print)).toEqual({
      ok: true,
      kind: 'print',
      kid: key.kid,
      // The payload carries whole seconds.
      claims: { ...claims, notBefore: wholeSeconds(claims.notBefore), expiresAt: wholeSeconds(claims.expiresAt) },
    });
    // Among other events' keys too (the door asks for keys by kid).
    expect((await check(print, now, [verifying(otherKey), verifying(key)])).ok).toBe(true);
  });

  it('accepts the rotating code of the current window and of the windows either side', async () => {
    const code = appCode(now);
    const window = Math.floor(now.getTime() / 1000 / ROTATION_PERIOD_S);
    expect(code).toMatch(new RegExp(`^${print.replace(/[.]/g, '\\.')}\\.${window}\\.[A-Za-z0-9_-]{10}$`));
    const result = await check(code);
    expect(result).toMatchObject({ ok: true, kind: 'rotating', kid: key.kid, claims: { ticketId: claims.ticketId, generation: 1 } });
    expect(await refusal(appCode(new Date(now.getTime() - ROTATION_PERIOD_S * 1000)))).toBe('ACCEPTED');
    expect(await refusal(appCode(new Date(now.getTime() + ROTATION_PERIOD_S * 1000)))).toBe('ACCEPTED');
  });

  it('refuses a rotating code of an older or later window, or with a wrong otp', async () => {
    const old = await check(appCode(new Date(now.getTime() - 2 * ROTATION_PERIOD_S * 1000)));
    expect(old).toMatchObject({ ok: false, code: 'TICKET_CODE_EXPIRED', ticketId: claims.ticketId });
    expect(await refusal(appCode(new Date(now.getTime() + 2 * ROTATION_PERIOD_S * 1000)))).toBe('TICKET_CODE_EXPIRED');
    expect(await refusal(appCode(new Date(now.getTime() - HOUR)))).toBe('TICKET_CODE_EXPIRED');

    const code = appCode(now);
    const otp = code.slice(-10);
    const wrong = `${code.slice(0, -10)}${otp[0] === 'A' ? 'B' : 'A'}${otp.slice(1)}`;
    expect(await refusal(wrong)).toBe('TICKET_CODE_EXPIRED');
    // The otp of an earlier generation (before a transfer) or of another ticket's secret does not fit either.
    expect(await refusal(appCode(now, 2))).toBe('TICKET_CODE_EXPIRED');
    const stranger = rotatingCode(print, ticketSecret(key.rotationSecret, randomUUID(), 1), claims.ticketId, 1, now);
    expect(await refusal(stranger)).toBe('TICKET_CODE_EXPIRED');
  });

  it('refuses a tampered payload, a swapped signature and an unknown key as an invalid signature', async () => {
    const [header, payload, signature] = print.split('.') as [string, string, string];
    const tampered = `${header}.${b64({ ...unb64(payload), s: 'A-1' })}.${signature}`;
    expect(await check(tampered)).toEqual({ ok: false, code: 'TICKET_INVALID_SIGNATURE', message: expect.any(String) });
    const flipped = `${header}.${payload.slice(0, 5)}${payload[5] === 'x' ? 'y' : 'x'}${payload.slice(6)}.${signature}`;
    expect(await refusal(flipped)).toBe('TICKET_INVALID_SIGNATURE');

    const another = await signTicket(key, { ...claims, ticketId: randomUUID() });
    expect(await refusal(`${header}.${payload}.${another.split('.')[2]}`)).toBe('TICKET_INVALID_SIGNATURE');
    // Signed by a key of ours but named as another: the kid decides which key checks it.
    const otherSigned = await signTicket(otherKey, { ...claims, eventId: otherEventId });
    const [, otherPayload, otherSignature] = otherSigned.split('.');
    expect(await refusal(`${header}.${otherPayload}.${otherSignature}`, now, [verifying(key), verifying(otherKey)])).toBe(
      'TICKET_INVALID_SIGNATURE',
    );

    // A key the door does not have, and a forger's own key under our kid.
    expect(await refusal(print, now, [verifying(otherKey)])).toBe('TICKET_INVALID_SIGNATURE');
    const forger = await newTicketKeyMaterial(eventId);
    const forged = await signTicket({ ...forger, kid: key.kid }, claims);
    expect(forged).not.toBe(print);
    expect(await refusal(forged)).toBe('TICKET_INVALID_SIGNATURE');
    // A rotating code built on a forged print code is refused for its signature, not its otp.
    expect(await refusal(appCode(now, 1, tampered))).toBe('TICKET_INVALID_SIGNATURE');
  });

  it("tells another event's ticket from a forgery", async () => {
    const theirs = await signTicket(otherKey, { ...claims, eventId: otherEventId });
    const result = await check(theirs, now, [verifying(key), verifying(otherKey)]);
    expect(result).toMatchObject({ ok: false, code: 'TICKET_WRONG_EVENT', ticketId: claims.ticketId });
    // Without the other event's keys it cannot be told from a forgery.
    expect(await refusal(theirs)).toBe('TICKET_INVALID_SIGNATURE');
    // Our own valid ticket at another event's door.
    expect(await refusal(print, now, [verifying(key), verifying(otherKey)], otherEventId)).toBe('TICKET_WRONG_EVENT');
    // Another event's key is not the door's, even when the ticket it signed names the door's event.
    const misnamed = await signTicket({ ...otherKey, eventId }, claims);
    expect(await refusal(misnamed, now, [verifying(key), verifying(otherKey)])).toBe('TICKET_WRONG_EVENT');
  });

  it('refuses a ticket outside its validity window, with a minute of clock leeway before it starts', async () => {
    const notBefore = wholeSeconds(claims.notBefore).getTime();
    const before = await check(print, new Date(notBefore - NOT_BEFORE_LEEWAY_MS - 1));
    expect(before).toMatchObject({ ok: false, code: 'TICKET_EXPIRED', ticketId: claims.ticketId });
    expect(NOT_BEFORE_LEEWAY_MS).toBe(60_000);
    expect(await refusal(print, new Date(notBefore - NOT_BEFORE_LEEWAY_MS))).toBe('ACCEPTED');
    expect(await refusal(print, new Date(notBefore - 1000))).toBe('ACCEPTED');
    expect(await refusal(print, claims.expiresAt)).toBe('TICKET_EXPIRED');
    expect(await refusal(print, new Date(claims.expiresAt.getTime() + 24 * HOUR))).toBe('TICKET_EXPIRED');
    expect(await refusal(print, new Date(claims.expiresAt.getTime() - 1000))).toBe('ACCEPTED');
    const late = new Date(claims.expiresAt.getTime() + HOUR);
    expect(await refusal(appCode(late), late)).toBe('TICKET_EXPIRED');
  });

  it('leaves the expiry to a door that asks to judge it itself, and only the expiry', async () => {
    const late = new Date(claims.expiresAt.getTime() + 24 * HOUR);
    const ignore = { expiry: 'ignore' } as const;
    expect(await checkScan(print, eventId, [verifying(key)], late, ignore)).toEqual({
      ok: true,
      kind: 'print',
      kid: key.kid,
      expired: true,
      claims: { ...claims, notBefore: wholeSeconds(claims.notBefore), expiresAt: wholeSeconds(claims.expiresAt) },
    });
    expect(await checkScan(appCode(late), eventId, [verifying(key)], late, ignore)).toMatchObject({
      ok: true,
      kind: 'rotating',
      expired: true,
    });
    // Within its window nothing is flagged; the default (what an offline scanner can judge) stays strict.
    expect(await checkScan(print, eventId, [verifying(key)], now, ignore)).not.toHaveProperty('expired');
    expect(await refusal(print, late)).toBe('TICKET_EXPIRED');
    expect((await checkScan(print, eventId, [verifying(key)], late, { expiry: 'code' })).ok).toBe(false);
    // Every other fault still refuses: not yet valid, a stale rotating code, another event, a forgery.
    const early = new Date(claims.notBefore.getTime() - 2 * HOUR);
    expect(await checkScan(print, eventId, [verifying(key)], early, ignore)).toMatchObject({ ok: false, code: 'TICKET_EXPIRED' });
    const stale = appCode(new Date(late.getTime() - HOUR));
    expect(await checkScan(stale, eventId, [verifying(key)], late, ignore)).toMatchObject({ ok: false, code: 'TICKET_CODE_EXPIRED' });
    expect(await checkScan(print, otherEventId, [verifying(key)], late, ignore)).toMatchObject({ ok: false, code: 'TICKET_WRONG_EVENT' });
    expect(await checkScan(print, eventId, [verifying(otherKey)], late, ignore)).toMatchObject({
      ok: false,
      code: 'TICKET_INVALID_SIGNATURE',
    });
  });

  it('refuses anything that is not a code as malformed, without throwing', async () => {
    const [header, payload, signature] = print.split('.') as [string, string, string];
    const window = Math.floor(now.getTime() / 1000 / ROTATION_PERIOD_S);
    const garbage = [
      '',
      'garbage',
      '...',
      'a.b',
      'a.b.c.d',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.${window}`,
      `${header}.${payload}.${signature}.${window}.short`,
      `${header}.${payload}.${signature}.-1.AAAAAAAAAA`,
      `${header}.${payload}.${signature}.${window}.AAAAAAAAAA.x`,
      `${header}.${payload}.${signature}.99999999999999.AAAAAAAAAA`,
      `${header}.${payload}.sig+nature`,
      `${b64('not an object')}.${payload}.${signature}`,
      `${b64({ alg: 'none', kid: key.kid, typ: 'evx-ticket' })}.${payload}.${signature}`,
      `${b64({ alg: 'EdDSA', kid: key.kid })}.${payload}.${signature}`,
      `${b64({ alg: 'EdDSA', kid: 42, typ: 'evx-ticket' })}.${payload}.${signature}`,
      `%%%.${payload}.${signature}`,
      '{"e":1}',
      '\u0000\u0001.\u00ff.\ud800',
      `${print} ${print}`,
      'x'.repeat(5 * 1024),
      `${print}.${'9'.repeat(5 * 1024)}.AAAAAAAAAA`,
    ];
    for (const code of garbage) {
      const result = await check(code);
      expect(result, JSON.stringify(code.slice(0, 80))).toEqual({ ok: false, code: 'TICKET_MALFORMED', message: expect.any(String) });
    }
    const odds: unknown[] = [undefined, null, 42, {}, ['a']];
    for (const odd of odds) {
      expect(await refusal(odd as string)).toBe('TICKET_MALFORMED');
    }
    // A scanner's trailing newline is no reason to refuse.
    expect(await refusal(`${print}\n`)).toBe('ACCEPTED');
  });

  it('publishes the public keys only', () => {
    const jwks = publicKeySet([verifying(key), { ...verifying(otherKey), publicJwk: otherKey.privateJwk }]);
    expect(jwks.keys).toHaveLength(2);
    for (const [i, jwk] of jwks.keys.entries()) {
      expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: [key.kid, otherKey.kid][i], alg: 'EdDSA', use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
    }
    expect(key.privateJwk.d).toEqual(expect.any(String));
    expect(JSON.stringify(jwks)).not.toContain(String(otherKey.privateJwk.d));
  });

  it('derives a ticket secret deterministically, per ticket and per generation', () => {
    const secret = ticketSecret(key.rotationSecret, claims.ticketId, 1);
    expect(secret).toBeInstanceOf(Buffer);
    expect(secret).toHaveLength(32);
    expect(ticketSecret(key.rotationSecret, claims.ticketId, 1).equals(secret)).toBe(true);
    expect(ticketSecret(key.rotationSecret, claims.ticketId, 2).equals(secret)).toBe(false);
    expect(ticketSecret(key.rotationSecret, randomUUID(), 1).equals(secret)).toBe(false);
    expect(ticketSecret(otherKey.rotationSecret, claims.ticketId, 1).equals(secret)).toBe(false);
    // The holder's app computes the same code from the secret it was given (base64url).
    const given = Buffer.from(secret.toString('base64url'), 'base64url');
    expect(rotatingCode(print, given, claims.ticketId, 1, now)).toBe(appCode(now));
  });
});

describe('ticket keys in the bookings database', () => {
  let orm: Orm;
  const em = () => orm.em.fork();

  beforeAll(async () => {
    // A database of its own, migrated from nothing.
    const url = new URL(testConfig().services.bookings.databaseUrl);
    url.pathname = `${url.pathname}_ticket_keys`;
    await recreateDatabase(url.toString());
    orm = await openServiceOrm(ormSettings('bookings', testConfig({ BOOKINGS_DATABASE_URL: url.toString() })), { migrate: true });
  });
  afterAll(async () => orm?.close());

  const keyCount = async (eventId: string) =>
    Number((await em().execute<{ n: string }[]>('select count(*) as n from ticket_key where event_id = ?', [eventId]))[0]!.n);

  it('creates one key for an event on first use, however many ask at once', async () => {
    const eventId = randomUUID();
    const keys = await Promise.all(Array.from({ length: 10 }, () => signingKey(em(), eventId)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await keyCount(eventId)).toBe(1);
    const [first] = keys as [TicketKeyMaterial];
    expect(first).toMatchObject({ eventId, kid: expect.stringMatching(/^evt-[0-9a-f]{8}-[0-9a-f]{8}$/) });
    expect(first.privateJwk.d).toEqual(expect.any(String));
    expect(await signingKey(em(), eventId)).toEqual(first);

    // The key read back signs codes its public half verifies.
    const claims = {
      eventId,
      ticketId: randomUUID(),
      seatLabel: 'A-1',
      generation: 1,
      notBefore: new Date(0),
      expiresAt: new Date(Date.now() + HOUR),
    };
    const print = await signTicket(await signingKey(em(), eventId), claims);
    expect((await checkScan(print, eventId, await verifyingKeys(em(), eventId), new Date())).ok).toBe(true);
  });

  it('makes one key per first use inside a transaction of the caller too', async () => {
    const eventId = randomUUID();
    const kids = await Promise.all(Array.from({ length: 4 }, () => em().transactional(async (tx) => (await signingKey(tx, eventId)).kid)));
    expect(new Set(kids).size).toBe(1);
    expect(await keyCount(eventId)).toBe(1);
  });

  it('rotates: the newest key signs, the older ones keep verifying until retired', async () => {
    const eventId = randomUUID();
    const first = await signingKey(em(), eventId);
    const claims = {
      eventId,
      ticketId: randomUUID(),
      seatLabel: 'C-3',
      generation: 1,
      notBefore: new Date(0),
      expiresAt: new Date(Date.now() + HOUR),
    };
    const oldPrint = await signTicket(first, claims);

    const second = await rotateKey(em(), eventId);
    const third = await rotateKey(em(), eventId);
    expect(new Set([first.kid, second.kid, third.kid]).size).toBe(3);
    expect((await signingKey(em(), eventId)).kid).toBe(third.kid);
    expect((await verifyingKeys(em(), eventId)).map((k) => k.kid)).toEqual([third.kid, second.kid, first.kid]);
    const keys = await verifyingKeys(em(), eventId);
    expect(keys.every((k) => !('privateJwk' in k) && k.publicJwk.d === undefined)).toBe(true);
    expect(await checkScan(oldPrint, eventId, keys, new Date())).toMatchObject({ ok: true, kid: first.kid });

    expect(await retireKey(em(), eventId, first.kid)).toBe(true);
    expect(await retireKey(em(), eventId, first.kid)).toBe(false);
    expect(await retireKey(em(), randomUUID(), second.kid)).toBe(false);
    expect(await retireKey(em(), eventId, 'evt-00000000-00000000')).toBe(false);
    expect((await verifyingKeys(em(), eventId)).map((k) => k.kid)).toEqual([third.kid, second.kid]);
    const afterRetirement = await checkScan(oldPrint, eventId, await verifyingKeys(em(), eventId), new Date());
    expect(afterRetirement).toMatchObject({ ok: false, code: 'TICKET_INVALID_SIGNATURE' });

    // Retiring the signing key hands signing to the next newest; with none left a new one is made.
    expect(await retireKey(em(), eventId, third.kid)).toBe(true);
    expect((await signingKey(em(), eventId)).kid).toBe(second.kid);
    expect(await retireKey(em(), eventId, second.kid)).toBe(true);
    const fresh = await signingKey(em(), eventId);
    expect([first.kid, second.kid, third.kid]).not.toContain(fresh.kid);
    expect((await verifyingKeys(em(), eventId)).map((k) => k.kid)).toEqual([fresh.kid]);
  });

  it("finds keys by kid across events, to tell another event's ticket from a forgery", async () => {
    const door = randomUUID();
    const elsewhere = randomUUID();
    const doorKey = await signingKey(em(), door);
    const theirKey = await signingKey(em(), elsewhere);
    const retired = await rotateKey(em(), elsewhere);
    await retireKey(em(), elsewhere, retired.kid);

    const found = await keysByKid(em(), [theirKey.kid, doorKey.kid, theirKey.kid, retired.kid, 'evt-unknown', '', 'x'.repeat(500)]);
    expect(found.map((k) => k.kid).sort()).toEqual([doorKey.kid, theirKey.kid].sort());
    expect(found.find((k) => k.kid === theirKey.kid)).toEqual({
      kid: theirKey.kid,
      eventId: elsewhere,
      publicJwk: theirKey.publicJwk,
      rotationSecret: theirKey.rotationSecret,
    });
    expect(await keysByKid(em(), [])).toEqual([]);

    const theirs = await signTicket(theirKey, {
      eventId: elsewhere,
      ticketId: randomUUID(),
      seatLabel: 'D-9',
      generation: 1,
      notBefore: new Date(0),
      expiresAt: new Date(Date.now() + HOUR),
    });
    const keys = [...(await verifyingKeys(em(), door)), ...(await keysByKid(em(), [scannedKid(theirs)!]))];
    expect(await checkScan(theirs, door, keys, new Date())).toMatchObject({ ok: false, code: 'TICKET_WRONG_EVENT' });
  });
});
