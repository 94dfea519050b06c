// Check-in at the door, on a bookings app built with the check-in routes (and the booking record routes, to see a
// scanner token refused there), over tickets written straight into the bookings database: one admission per ticket
// whatever the number of gates, every scan recorded, each refusal with its code, offline packs and uploads.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBookingRecordRoutes } from '../api/bookings/booking-records.routes.ts';
import { bookingRecordHandlers } from '../api/bookings/booking-records.handlers.ts';
import { bookingsAccess } from '../api/bookings/bookings.deps.ts';
import { registerCheckinRoutes } from '../api/bookings/checkins.routes.ts';
import { loadSigningKeys, type SigningKeys } from '../common/auth/keys.ts';
import { localKeys, verifierFor, type Role } from '../common/auth/verify.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { createServiceApp } from '../common/http/service-app.ts';
import { rotatingCode, signTicket, ticketSecret, ROTATION_PERIOD_S } from '../domain/bookings/ticket-codes.ts';
import { signingKey } from '../domain/bookings/ticket-keys.ts';
import { issueAccessToken } from '../domain/users/tokens.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { caller, type Answer, type Caller } from './support/http.ts';
import { until } from './support/wait.ts';

const config = testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'eventix-checkins-')) });

interface TestTicket {
  id: string;
  eventId: string;
  seatLabel: string;
  generation: number;
  code: string;
}

describe('check-in at the door', () => {
  let orm: Orm;
  let keys: SigningKeys;
  let call: Caller;
  let app: ReturnType<typeof createServiceApp>;
  const admin = { id: randomUUID(), token: '' };
  const scanner = { id: randomUUID(), token: '' };
  const customer = { id: randomUUID(), token: '' };

  const tokenFor = (userId: string, role: Role) => issueAccessToken(keys, config.auth, { userId, role, sessionId: randomUUID() });

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    keys = await loadSigningKeys(config);
    const verifier = verifierFor(config.auth, localKeys(keys.jwks));
    app = createServiceApp({ name: 'bookings', description: 'check-in test', logger: testLogger(), readiness: [], readyTimeoutMs: 1_000 });
    registerCheckinRoutes(app, { orm, verifier, summaryRefreshMs: 500 });
    registerBookingRecordRoutes(
      app,
      bookingsAccess({ orm, verifier, sessions: () => Promise.resolve() }),
      bookingRecordHandlers({ orm, config }),
    );
    call = caller(app);
    admin.token = await tokenFor(admin.id, 'admin');
    scanner.token = await tokenFor(scanner.id, 'scanner');
    customer.token = await tokenFor(customer.id, 'user');
  });
  afterAll(async () => orm?.close());

  /** A confirmed booking's ticket, as its issue would write it, with its print code. */
  async function ticketOf(
    eventId: string,
    fields: { status?: 'valid' | 'void'; generation?: number; signedGeneration?: number; expiresAt?: Date } = {},
  ) {
    const em = orm.em.fork();
    const bookingId = randomUUID();
    const id = randomUUID();
    const seatLabel = `A-${Math.floor(Math.random() * 1000)}`;
    const generation = fields.generation ?? 1;
    await em.execute(
      `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at, updated_at)
       values (?, ?, ?, 'CONFIRMED', '{}', ?, now(), now())`,
      [bookingId, customer.id, eventId, `booking-${bookingId}`],
    );
    const issuedAt = new Date(Date.now() - 60 * 60_000);
    await em.execute(
      `insert into ticket (id, booking_id, event_id, seat_id, seat_label, section, holder_user_id, holder_name, status, generation, issued_at)
       values (?, ?, ?, ?, ?, 'Stalls', ?, 'Ada Lovelace', ?, ?, ?)`,
      [id, bookingId, eventId, randomUUID(), seatLabel, customer.id, fields.status ?? 'valid', generation, issuedAt],
    );
    const signedGeneration = fields.signedGeneration ?? generation;
    const code = await signTicket(await signingKey(em, eventId), {
      eventId,
      ticketId: id,
      seatLabel,
      generation: signedGeneration,
      notBefore: issuedAt,
      expiresAt: fields.expiresAt ?? new Date(Date.now() + 24 * 60 * 60_000),
    });
    return { id, eventId, seatLabel, generation: signedGeneration, code } satisfies TestTicket;
  }

  /** The event as the bookings service's catalog knows it now (its events facts). */
  const catalogue = (eventId: string, dates: { startsAt: Date; endsAt?: Date }) =>
    orm.em.fork().execute(
      `insert into event_catalog (event_id, title, venue_name, starts_at, ends_at, status, occurred_at)
         values (?, 'Moved', 'Hall', ?, ?, 'published', now())`,
      [eventId, dates.startsAt, dates.endsAt ?? null],
    );
  const HOUR = 60 * 60_000;

  const scan = (eventId: string, body: Record<string, unknown>, token = admin.token) =>
    call('POST', `/events/${eventId}/checkins`, { token, body: { gate: 'North 1', device: 'scanner-01', ...body } });
  const checkinRows = (ticketId: string) =>
    orm.em
      .fork()
      .execute<{ result: string; gate: string; offline: boolean; scanned_by: string }[]>(
        'select result, gate, offline, scanned_by from checkin where ticket_id = ? order by scanned_at, received_at',
        [ticketId],
      );
  const expectRefusal = (answer: Answer, status: number, code: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe(code);
  };

  it('admits a valid ticket once: the second scan is 409 TICKET_ALREADY_USED naming the first gate and time', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const first = await scan(eventId, { code: ticket.code, gate: 'North 1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      result: 'ADMITTED',
      ticket: { id: ticket.id, seatLabel: ticket.seatLabel, section: 'Stalls', holderName: 'Ada Lovelace' },
      gate: 'North 1',
      repeated: false,
    });

    const second = await scan(eventId, { code: ticket.code, gate: 'South 3', device: 'scanner-02' });
    expectRefusal(second, 409, 'TICKET_ALREADY_USED');
    expect(second.body).toMatchObject({ ticketId: ticket.id, usedGate: 'North 1', usedAt: first.body.at });

    const [row] = await orm.em
      .fork()
      .execute<{ status: string; used_gate: string; used_device: string }[]>(
        'select status, used_gate, used_device from ticket where id = ?',
        [ticket.id],
      );
    expect(row).toEqual({ status: 'used', used_gate: 'North 1', used_device: 'scanner-01' });
    expect((await checkinRows(ticket.id)).map((r) => [r.result, r.gate, r.offline, r.scanned_by])).toEqual([
      ['ADMITTED', 'North 1', false, admin.id],
      ['TICKET_ALREADY_USED', 'South 3', false, admin.id],
    ]);
    // The admission's fact waits in the outbox, written with it.
    const facts = await orm.em
      .fork()
      .execute<{ payload: { data: { ticketId: string; gate: string; direction: string } } }[]>(
        "select payload from outbox_message where type = 'ticket.checked_in' and payload->'data'->>'ticketId' = ?",
        [ticket.id],
      );
    expect(facts.map((f) => f.payload.data)).toEqual([expect.objectContaining({ ticketId: ticket.id, gate: 'North 1', direction: 'in' })]);
  });

  it('admits exactly one of 20 scans of one ticket at once, and records all 20', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scan(eventId, { code: ticket.code, gate: `Gate ${i % 4}`, device: `scanner-${i}` })),
    );
    expect(answers.filter((a) => a.status === 200).map((a) => a.body.result)).toEqual(['ADMITTED']);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(19).fill('TICKET_ALREADY_USED'));
    const rows = await checkinRows(ticket.id);
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.result === 'ADMITTED')).toHaveLength(1);
  });

  it('refuses a forged, a foreign, a void, a superseded and an unknown code, each with its code, and records each scan', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const [header, payload, signature] = ticket.code.split('.') as [string, string, string];
    const at = Math.floor(payload.length / 2);
    const flipped = payload[at] === 'A' ? 'B' : 'A';
    const tampered = `${header}.${payload.slice(0, at)}${flipped}${payload.slice(at + 1)}.${signature}`;
    expectRefusal(await scan(eventId, { code: tampered }), 422, 'TICKET_INVALID_SIGNATURE');
    expectRefusal(await scan(eventId, { code: 'not a ticket at all' }), 422, 'TICKET_MALFORMED');

    const foreign = await ticketOf(randomUUID());
    const wrongEvent = await scan(eventId, { code: foreign.code });
    expectRefusal(wrongEvent, 409, 'TICKET_WRONG_EVENT');
    expect(wrongEvent.body.ticketId).toBe(foreign.id);

    const voided = await ticketOf(eventId, { status: 'void' });
    expectRefusal(await scan(eventId, { code: voided.code }), 409, 'TICKET_VOID');

    // Transferred since: the code of generation 1 is void, the ticket now being of generation 2.
    const superseded = await ticketOf(eventId, { generation: 2, signedGeneration: 1 });
    const old = await scan(eventId, { code: superseded.code });
    expectRefusal(old, 409, 'TICKET_VOID');
    expect(old.body.detail).toMatch(/superseded by a transfer/);

    // Signed with the event's key, but no such ticket.
    const unknownId = randomUUID();
    const unknown = await signTicket(await signingKey(orm.em.fork(), eventId), {
      eventId,
      ticketId: unknownId,
      seatLabel: 'Z-1',
      generation: 1,
      notBefore: new Date(Date.now() - 60_000),
      expiresAt: new Date(Date.now() + 60_000),
    });
    expectRefusal(await scan(eventId, { code: unknown }), 422, 'TICKET_UNKNOWN');

    const results = await orm.em
      .fork()
      .execute<{ result: string }[]>('select result from checkin where event_id = ? order by received_at', [eventId]);
    expect(results.map((r) => r.result)).toEqual([
      'TICKET_INVALID_SIGNATURE',
      'TICKET_MALFORMED',
      'TICKET_WRONG_EVENT',
      'TICKET_VOID',
      'TICKET_VOID',
      'TICKET_UNKNOWN',
    ]);
    // None of them admitted anything.
    expect((await call('GET', `/events/${eventId}/checkins/summary`, { token: admin.token })).body).toMatchObject({
      tickets: { issued: 3, valid: 2, used: 0, void: 1 },
      inside: 0,
      scans: 6,
      byGate: [{ gate: 'North 1', admitted: 0, refused: 6 }],
    });
  });

  it('refuses an expired rotating code, and a print code where the event only takes the app’s live code', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const key = await signingKey(orm.em.fork(), eventId);
    const secret = ticketSecret(key.rotationSecret, ticket.id, ticket.generation);
    const stale = rotatingCode(ticket.code, secret, ticket.id, ticket.generation, new Date(Date.now() - 4 * ROTATION_PERIOD_S * 1000));
    expectRefusal(await scan(eventId, { code: stale }), 422, 'TICKET_CODE_EXPIRED');

    const policy = await call('PUT', `/events/${eventId}/checkins/policy`, {
      token: admin.token,
      body: { printCodesAccepted: false, reentryAllowed: false, transferCutoffMinutes: 30 },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect(policy.body).toMatchObject({ eventId, printCodesAccepted: false, reentryAllowed: false, transferCutoffMinutes: 30 });
    expectRefusal(await scan(eventId, { code: ticket.code }), 422, 'TICKET_PRINT_CODE_REFUSED');

    const live = rotatingCode(ticket.code, secret, ticket.id, ticket.generation, new Date());
    expect((await scan(eventId, { code: live })).body.result).toBe('ADMITTED');
  });

  it('lets a ticket out and back in only where the event allows re-entry', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    expect((await scan(eventId, { code: ticket.code })).body.result).toBe('ADMITTED');
    expectRefusal(await scan(eventId, { code: ticket.code, direction: 'out' }), 409, 'REENTRY_NOT_ALLOWED');

    await call('PUT', `/events/${eventId}/checkins/policy`, {
      token: admin.token,
      body: { printCodesAccepted: true, reentryAllowed: true, transferCutoffMinutes: 60 },
    });
    expect((await scan(eventId, { code: ticket.code, direction: 'out' })).body.result).toBe('EXITED');
    expectRefusal(await scan(eventId, { code: ticket.code, direction: 'out' }), 409, 'TICKET_NOT_INSIDE');
    expect((await scan(eventId, { code: ticket.code, gate: 'West' })).body).toMatchObject({ result: 'ADMITTED', gate: 'West' });
    expect((await call('GET', `/events/${eventId}/checkins/summary`, { token: admin.token })).body).toMatchObject({
      inside: 1,
      scans: 5,
      byGate: [
        { gate: 'North 1', admitted: 1, refused: 2 },
        { gate: 'West', admitted: 1, refused: 0 },
      ],
    });
  });

  it('answers a repeated scan id with the first outcome and changes nothing', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const scanId = `scan-${eventId}`;
    const first = await scan(eventId, { code: ticket.code, scanId });
    const again = await scan(eventId, { code: ticket.code, scanId });
    expect(first.body).toMatchObject({ result: 'ADMITTED', repeated: false });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: 'ADMITTED', repeated: true, at: first.body.at });
    expect(await checkinRows(ticket.id)).toHaveLength(1);

    // Scan ids are per event: the same id from the same device at another event's door is another scan.
    const elsewhere = await ticketOf(randomUUID());
    const there = await scan(elsewhere.eventId, { code: elsewhere.code, scanId });
    expect(there.status, JSON.stringify(there.body)).toBe(200);
    expect(there.body).toMatchObject({ result: 'ADMITTED', repeated: false, ticket: { id: elsewhere.id } });
    expect(await checkinRows(elsewhere.id)).toHaveLength(1);
    // Each event keeps its own outcome under the id.
    expect((await scan(eventId, { code: ticket.code, scanId })).body).toMatchObject({
      result: 'ADMITTED',
      repeated: true,
      at: first.body.at,
    });
    expect((await scan(elsewhere.eventId, { code: elsewhere.code, scanId })).body).toMatchObject({ result: 'ADMITTED', repeated: true });

    // So does an offline upload naming an id used at another event.
    const synced = await call('POST', `/events/${eventId}/checkins/sync`, {
      token: admin.token,
      body: {
        device: 'scanner-01',
        scans: [{ scanId: 'offline-1', code: ticket.code, gate: 'North 1', scannedAt: new Date().toISOString() }],
      },
    });
    const third = await ticketOf(randomUUID());
    const syncedElsewhere = await call('POST', `/events/${third.eventId}/checkins/sync`, {
      token: admin.token,
      body: {
        device: 'scanner-01',
        scans: [{ scanId: 'offline-1', code: third.code, gate: 'North 1', scannedAt: new Date().toISOString() }],
      },
    });
    expect(synced.body).toMatchObject({ applied: 1, results: [{ result: 'TICKET_ALREADY_USED', repeated: false }] });
    expect(syncedElsewhere.status, JSON.stringify(syncedElsewhere.body)).toBe(200);
    expect(syncedElsewhere.body).toMatchObject({ applied: 1, repeated: 0, results: [{ result: 'ADMITTED', ticketId: third.id }] });
  });

  it('answers TICKET_VOID, not TICKET_ALREADY_USED, to a scan that a transfer overtakes between reading the ticket and admitting it', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    let scanned: Promise<Answer> | undefined;
    await orm.em.fork().transactional(async (em) => {
      // The transfer gives the ticket its next generation; its row stays locked until it commits. The scan reads the
      // ticket as it was (generation 1, valid) and its admitting update waits for the lock.
      await em.execute('update ticket set generation = generation + 1 where id = ?', [ticket.id]);
      scanned = scan(eventId, { code: ticket.code });
      await until(
        async () =>
          (
            await orm.em.fork().execute(
              `select 1 from pg_stat_activity
               where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'
                 and query like 'update ticket set status%'`,
            )
          ).length > 0,
        10_000,
        20,
      );
    });
    const answer = await scanned!;
    expectRefusal(answer, 409, 'TICKET_VOID');
    expect(answer.body.detail).toMatch(/superseded by a transfer/);
    expect(answer.body).not.toHaveProperty('usedAt');
    const [row] = await orm.em
      .fork()
      .execute<{ status: string; generation: number }[]>('select status, generation from ticket where id = ?', [ticket.id]);
    expect(row).toEqual({ status: 'valid', generation: 2 });
    expect((await checkinRows(ticket.id)).map((r) => r.result)).toEqual(['TICKET_VOID']);
  });

  it('admits a printed code past its expiry while the event, as the catalog knows it now, has not ended (a postponed event)', async () => {
    const expiresAt = new Date(Date.now() - 10 * 60_000);
    // Postponed: it starts in two days, its end not known yet (a day after the start).
    const postponed = randomUUID();
    await catalogue(postponed, { startsAt: new Date(Date.now() + 48 * HOUR) });
    const printed = await ticketOf(postponed, { expiresAt });
    const admitted = await scan(postponed, { code: printed.code });
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(admitted.body).toMatchObject({ result: 'ADMITTED', ticket: { id: printed.id } });
    // The app's rotating code of such a ticket too.
    const app = await ticketOf(postponed, { expiresAt });
    const secret = ticketSecret((await signingKey(orm.em.fork(), postponed)).rotationSecret, app.id, 1);
    expect((await scan(postponed, { code: rotatingCode(app.code, secret, app.id, 1, new Date()) })).body.result).toBe('ADMITTED');

    // Extended: it started 23 hours ago and now ends in an hour; without a known end, a day after the start.
    const extended = randomUUID();
    await catalogue(extended, { startsAt: new Date(Date.now() - 23 * HOUR), endsAt: new Date(Date.now() + HOUR) });
    expect((await scan(extended, { code: (await ticketOf(extended, { expiresAt })).code })).body.result).toBe('ADMITTED');
    const started = randomUUID();
    await catalogue(started, { startsAt: new Date(Date.now() - 23 * HOUR) });
    expect((await scan(started, { code: (await ticketOf(started, { expiresAt })).code })).body.result).toBe('ADMITTED');

    // Over by the catalog: ended, a day past the start without an end, or not known to it at all.
    const ended = randomUUID();
    await catalogue(ended, { startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - 60_000) });
    expectRefusal(await scan(ended, { code: (await ticketOf(ended, { expiresAt })).code }), 422, 'TICKET_EXPIRED');
    const dayOld = randomUUID();
    await catalogue(dayOld, { startsAt: new Date(Date.now() - 25 * HOUR) });
    expectRefusal(await scan(dayOld, { code: (await ticketOf(dayOld, { expiresAt })).code }), 422, 'TICKET_EXPIRED');
    const unknown = randomUUID();
    expectRefusal(await scan(unknown, { code: (await ticketOf(unknown, { expiresAt })).code }), 422, 'TICKET_EXPIRED');

    // An offline upload judges by the same catalog, at the time of each scan.
    const late = await ticketOf(postponed, { expiresAt });
    const lateOver = await ticketOf(ended, { expiresAt });
    const scannedAt = new Date(Date.now() - 60_000).toISOString();
    const synced = await call('POST', `/events/${postponed}/checkins/sync`, {
      token: admin.token,
      body: { device: `tablet-${postponed}`, scans: [{ scanId: 'p-1', code: late.code, gate: 'East', scannedAt }] },
    });
    expect(synced.body.results).toMatchObject([{ scanId: 'p-1', result: 'ADMITTED', ticketId: late.id }]);
    const syncedOver = await call('POST', `/events/${ended}/checkins/sync`, {
      token: admin.token,
      body: { device: `tablet-${ended}`, scans: [{ scanId: 'e-1', code: lateOver.code, gate: 'East', scannedAt }] },
    });
    expect(syncedOver.body.results).toMatchObject([{ scanId: 'e-1', result: 'TICKET_EXPIRED' }]);
  });

  it('refuses an offline scan time PostgreSQL cannot store, ahead of the server’s clock, or older than 30 days, naming the field', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const upload = (scannedAt: string) =>
      call('POST', `/events/${eventId}/checkins/sync`, {
        token: admin.token,
        body: {
          device: `tablet-${eventId}`,
          scans: [
            { scanId: 'ok-1', code: 'smudged', gate: 'East', scannedAt: new Date().toISOString() },
            { scanId: 'bad-1', code: ticket.code, gate: 'East', scannedAt },
          ],
        },
      });
    for (const scannedAt of [
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      new Date(Date.now() + 6 * 60_000).toISOString(),
      '9999-12-31T23:59:59Z',
      new Date(Date.now() - 31 * 24 * HOUR).toISOString(),
    ]) {
      const answer = await upload(scannedAt);
      expectRefusal(answer, 422, 'VALIDATION_FAILED');
      expect(answer.body.errors, scannedAt).toEqual([{ field: 'scans.1.scannedAt', message: expect.any(String) }]);
    }
    expect(await checkinRows(ticket.id)).toHaveLength(0);
    expect((await call('GET', `/events/${eventId}/checkins/summary`, { token: admin.token })).body).toMatchObject({ scans: 0 });

    // A device a little ahead, and one uploading days later, are fine (the latter judged at its time: before the ticket was valid).
    const ahead = await upload(new Date(Date.now() + 4 * 60_000).toISOString());
    expect(ahead.status, JSON.stringify(ahead.body)).toBe(200);
    expect(ahead.body.results.map((r: { result: string }) => r.result)).toEqual(['TICKET_MALFORMED', 'ADMITTED']);
    const daysLater = await call('POST', `/events/${eventId}/checkins/sync`, {
      token: admin.token,
      body: {
        device: `tablet-${eventId}`,
        scans: [{ scanId: 'old-1', code: ticket.code, gate: 'East', scannedAt: new Date(Date.now() - 29 * 24 * HOUR).toISOString() }],
      },
    });
    expect(daysLater.status, JSON.stringify(daysLater.body)).toBe(200);
    expect(daysLater.body.results).toMatchObject([{ scanId: 'old-1', result: 'TICKET_EXPIRED' }]);
  });

  it('lets door staff scan only at the events they are granted, and nowhere else', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    expectRefusal(await scan(eventId, { code: ticket.code }, scanner.token), 403, 'SCANNER_NOT_GRANTED');
    expectRefusal(await scan(eventId, { code: ticket.code }, customer.token), 403, 'FORBIDDEN');
    expectRefusal(await call('GET', `/events/${eventId}/checkins/summary`, { token: scanner.token }), 403, 'SCANNER_NOT_GRANTED');
    // A refused caller's scan is not a scan at the door: nothing recorded.
    expect(await checkinRows(ticket.id)).toHaveLength(0);

    // Only an admin grants.
    expectRefusal(
      await call('PUT', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: scanner.token }),
      403,
      'SCANNER_TOKEN_RESTRICTED',
    );
    expectRefusal(await call('PUT', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: customer.token }), 403, 'FORBIDDEN');
    const granted = await call('PUT', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: admin.token });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(granted.body).toMatchObject({ eventId, userId: scanner.id, grantedBy: admin.id });
    expect((await call('GET', `/events/${eventId}/checkins/scanners`, { token: admin.token })).body.items).toEqual([granted.body]);

    const admitted = await scan(eventId, { code: ticket.code }, scanner.token);
    expect(admitted.body.result).toBe('ADMITTED');
    expect((await checkinRows(ticket.id)).map((r) => r.scanned_by)).toEqual([scanner.id]);
    expect((await call('GET', `/events/${eventId}/checkins/summary`, { token: scanner.token })).status).toBe(200);
    // The grant is for this event's door only: the scanner token is refused on every other route.
    const bookings = await app.request('/bookings', { headers: { authorization: `Bearer ${scanner.token}` } });
    expect(bookings.status).toBe(403);
    expect(((await bookings.json()) as { code: string }).code).toBe('SCANNER_TOKEN_RESTRICTED');
    expectRefusal(await call('GET', `/events/${eventId}/checkins/policy`, { token: scanner.token }), 403, 'SCANNER_TOKEN_RESTRICTED');
    expect((await call('GET', '/bookings', { token: customer.token })).status).toBe(200);

    expect((await call('DELETE', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: admin.token })).status).toBe(204);
    expectRefusal(await scan(eventId, { code: ticket.code }, scanner.token), 403, 'SCANNER_NOT_GRANTED');
    expectRefusal(
      await call('DELETE', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: admin.token }),
      404,
      'SCANNER_GRANT_NOT_FOUND',
    );
  });

  it('refuses bad input with a problem and records nothing', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    for (const body of [
      { code: '' },
      { code: 'x'.repeat(2049) },
      { code: ticket.code, gate: '' },
      { code: ticket.code, gate: 'Gate\n1' },
      { code: ticket.code, device: 'd'.repeat(65) },
      { code: ticket.code, direction: 'sideways' },
      { code: ticket.code, scanId: 's'.repeat(101) },
    ]) {
      expectRefusal(await scan(eventId, body), 422, 'VALIDATION_FAILED');
    }
    expectRefusal(
      await call('POST', '/events/not-a-uuid/checkins', { token: admin.token, body: { code: ticket.code, gate: 'A', device: 'B' } }),
      422,
      'VALIDATION_FAILED',
    );
    const malformed = await app.request(`/events/${eventId}/checkins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: '{"code": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('MALFORMED_JSON');
    expectRefusal(
      await call('POST', `/events/${eventId}/checkins/sync`, { token: admin.token, body: { device: 'd', scans: [] } }),
      422,
      'VALIDATION_FAILED',
    );
    expectRefusal(
      await call('PUT', `/events/${eventId}/checkins/policy`, {
        token: admin.token,
        body: { printCodesAccepted: true, reentryAllowed: false, transferCutoffMinutes: 100_001 },
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect(await checkinRows(ticket.id)).toHaveLength(0);
    expectRefusal(await scan(eventId, { code: ticket.code }, ''), 401, 'AUTHENTICATION_REQUIRED');
  });

  it('uploads offline scans in the order they were made: the earlier gate admits, the later is a reported conflict, every scan is stored, a repeat changes nothing', async () => {
    const eventId = randomUUID();
    const [twice, once] = [await ticketOf(eventId), await ticketOf(eventId)];
    const t0 = Date.now() - 10 * 60_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const scans = [
      // Listed out of order: the upload applies them by scannedAt.
      { scanId: 'east-1', code: twice.code, gate: 'East', scannedAt: at(30) },
      { scanId: 'west-1', code: twice.code, gate: 'West', scannedAt: at(10) },
      { scanId: 'west-2', code: once.code, gate: 'West', scannedAt: at(20) },
      { scanId: 'west-3', code: 'smudged', gate: 'West', scannedAt: at(40) },
    ];
    const sync = () =>
      call('POST', `/events/${eventId}/checkins/sync`, { token: admin.token, body: { device: `tablet-${eventId}`, scans } });
    const first = await sync();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ applied: 4, repeated: 0 });
    expect(first.body.results.map((r: { scanId: string; result: string }) => [r.scanId, r.result])).toEqual([
      ['west-1', 'ADMITTED'],
      ['west-2', 'ADMITTED'],
      ['east-1', 'TICKET_ALREADY_USED'],
      ['west-3', 'TICKET_MALFORMED'],
    ]);
    expect(first.body.conflicts).toEqual([
      { ticketId: twice.id, admitted: { gate: 'West', at: at(10) }, refused: [{ scanId: 'east-1', gate: 'East', at: at(30) }] },
    ]);
    const stored = () =>
      orm.em
        .fork()
        .execute<{ device_scan_id: string; result: string; offline: boolean; scanned_at: Date }[]>(
          'select device_scan_id, result, offline, scanned_at from checkin where event_id = ? order by device_scan_id',
          [eventId],
        );
    const rows = await stored();
    expect(rows.map((r) => [r.device_scan_id, r.result, r.offline])).toEqual([
      ['east-1', 'TICKET_ALREADY_USED', true],
      ['west-1', 'ADMITTED', true],
      ['west-2', 'ADMITTED', true],
      ['west-3', 'TICKET_MALFORMED', true],
    ]);
    const [used] = await orm.em
      .fork()
      .execute<{ used_gate: string; used_at: Date }[]>('select used_gate, used_at from ticket where id = ?', [twice.id]);
    expect(used!.used_gate).toBe('West');
    expect(new Date(used!.used_at).toISOString()).toBe(at(10));

    const again = await sync();
    expect(again.body).toMatchObject({ applied: 0, repeated: 4, conflicts: first.body.conflicts });
    expect(again.body.results.map((r: { result: string }) => r.result)).toEqual(
      first.body.results.map((r: { result: string }) => r.result),
    );
    expect(await stored()).toEqual(rows);
  });

  it('gives door staff a signed offline pack: the event’s public keys, rotation secrets, rules, void and transferred tickets', async () => {
    const eventId = randomUUID();
    const voided = await ticketOf(eventId, { status: 'void' });
    const moved = await ticketOf(eventId, { generation: 3 });
    await ticketOf(eventId);
    await call('PUT', `/events/${eventId}/checkins/scanners/${scanner.id}`, { token: admin.token });
    const answer = await call('GET', `/events/${eventId}/checkins/offline-pack`, { token: scanner.token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const jwks = (await call('GET', `/events/${eventId}/checkins/keys`)).body as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(decodeProtectedHeader(answer.body.pack)).toMatchObject({ typ: 'evx-offline-pack', kid: jwks.keys[0]!.kid });
    const { payload } = await compactVerify(answer.body.pack, createLocalJWKSet(jwks));
    const pack = JSON.parse(Buffer.from(payload).toString('utf8'));
    expect(pack).toMatchObject({
      eventId,
      policy: { printCodesAccepted: true, reentryAllowed: false, transferCutoffMinutes: 60 },
      void: [voided.id],
      generations: { [moved.id]: 3 },
    });
    expect(pack.keys.keys.map((k: { kid: string }) => k.kid)).toEqual([jwks.keys[0]!.kid]);
    expect(pack.rotationSecrets).toEqual([{ kid: jwks.keys[0]!.kid, secret: (await signingKey(orm.em.fork(), eventId)).rotationSecret }]);
    expect(answer.body).toMatchObject({ eventId, void: [voided.id], generations: { [moved.id]: 3 } });
    expectRefusal(await call('GET', `/events/${randomUUID()}/checkins/offline-pack`, { token: scanner.token }), 403, 'SCANNER_NOT_GRANTED');
  });

  it('rotates and retires the event’s keys: a retired key’s codes stop verifying, the older key keeps working until then', async () => {
    const eventId = randomUUID();
    const before = await ticketOf(eventId);
    const rotated = await call('POST', `/events/${eventId}/checkins/keys`, { token: admin.token });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(201);
    const after = await ticketOf(eventId);
    expect(decodeProtectedHeader(after.code).kid).toBe(rotated.body.kid);
    const oldKid = decodeProtectedHeader(before.code).kid as string;
    expect(((await call('GET', `/events/${eventId}/checkins/keys`)).body as JSONWebKeySet).keys.map((k) => k.kid)).toEqual([
      rotated.body.kid,
      oldKid,
    ]);

    expect((await call('DELETE', `/events/${eventId}/checkins/keys/${oldKid}`, { token: admin.token })).status).toBe(204);
    expectRefusal(await scan(eventId, { code: before.code }), 422, 'TICKET_INVALID_SIGNATURE');
    expect((await scan(eventId, { code: after.code })).body.result).toBe('ADMITTED');
    expectRefusal(await call('DELETE', `/events/${eventId}/checkins/keys/${oldKid}`, { token: admin.token }), 404, 'TICKET_KEY_NOT_FOUND');
    expectRefusal(await call('POST', `/events/${eventId}/checkins/keys`, { token: scanner.token }), 403, 'SCANNER_TOKEN_RESTRICTED');
  });

  it('streams the counts: one summary at once, another when a scan is recorded', async () => {
    const eventId = randomUUID();
    const ticket = await ticketOf(eventId);
    const res = await app.request(`/events/${eventId}/checkins/summary/stream`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const summaries = summaryEvents(reader);
    const first = await summaries.next();
    expect(first.value).toMatchObject({ eventId, tickets: { issued: 1, valid: 1 }, inside: 0, scans: 0 });
    await scan(eventId, { code: ticket.code });
    const second = await summaries.next();
    expect(second.value).toMatchObject({ eventId, tickets: { issued: 1, valid: 0, used: 1 }, inside: 1, scans: 1 });
    await reader.cancel();
  });
});

/** The `summary` events of a stream, parsed, one per next(). */
async function* summaryEvents(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const message = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const lines = message.split('\n');
      if (!lines.includes('event: summary')) continue;
      const data = lines.find((l) => l.startsWith('data: '));
      if (data) yield JSON.parse(data.slice('data: '.length)) as Record<string, unknown>;
    }
  }
}
