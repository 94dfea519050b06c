// The waiting room through the gateway: a pre-queue drawn in random order at the opening, later arrivals in arrival
// order, one place per account, signed tickets and admissions bound to their account, holds that need an admission,
// admissions that expire and let the next customer in, and a sell-out that tells everyone still waiting.
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys, type SigningKeys } from '../common/auth/keys.ts';
import type { Config } from '../common/config.ts';
import { issueAccessToken } from '../domain/users/tokens.ts';
import { onSaleAdmitterWorkflowId, type AdmitterResult } from '../workflows/on-sale-messages.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import type { Answer } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { newCustomer } from './support/users.ts';
import { endedWorkflow } from './support/money-stories.ts';
import { inFlight, until } from './support/wait.ts';

const PRE_QUEUE = 1_000;

/** Spearman's rank correlation of two orders of the same n items (both given as ranks 0..n-1, no ties). */
function spearman(a: number[], b: number[]): number {
  const n = a.length;
  const d2 = a.reduce((sum, x, i) => sum + (x - b[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

interface EntryRow {
  customer_id: string;
  seq: string;
  rank: string;
  state: string;
  admission_id: string | null;
  admitted_at: string | null;
}

const admittedAt = (row: EntryRow) => new Date(row.admitted_at!).getTime();

describe('the waiting room', () => {
  let platform: TestPlatform;
  let config: Config;
  let keys: SigningKeys;
  let admin: string;

  /** An access token of an account that need not exist: the waiting room reads only its signature and subject. */
  const tokenFor = (userId: string) => issueAccessToken(keys, config.auth, { userId, role: 'user', sessionId: randomUUID() });

  const setOnSale = async (eventId: string, settings: Record<string, unknown>): Promise<Answer> => {
    let answer: Answer | undefined;
    // The event's facts reach the bookings service a moment after it is published.
    await until(async () => {
      answer = await platform.api('PUT', `/events/${eventId}/on-sale`, { token: admin, body: settings });
      return answer.status !== 404;
    }, 15_000);
    return answer!;
  };

  const entries = (eventId: string) =>
    platform.orms.bookings.em
      .fork()
      .execute<EntryRow[]>(
        'select customer_id, seq, rank, state, admission_id, admitted_at from queue_entry where event_id = ? order by seq',
        [eventId],
      );

  const seatsOf = (sections: { rows: number; seats: number }[]) =>
    sections.map((s, i) => ({
      name: `Section ${i + 1}`,
      rows: Array.from({ length: s.rows }, (_, r) => ({ label: `R${r + 1}`, seats: s.seats })),
    }));

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '120' });
    config = testConfig();
    keys = await loadSigningKeys(config);
    admin = await issueAccessToken(keys, config.auth, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() });
  }, 60_000);
  afterAll(async () => platform?.stop());

  it(`admits ${PRE_QUEUE} customers who joined before the opening once each, in an order unrelated to their joins, and later arrivals after them in arrival order`, async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events), seatsOf([{ rows: 21, seats: 50 }]));
    const set = (opensAt: Date) =>
      setOnSale(event.eventId, {
        opensAt: opensAt.toISOString(),
        waitingRoom: true,
        admissionRatePerMinute: 12_000,
        admissionTtlSeconds: 600,
        joinsPerAddressPerMinute: 100_000,
      });
    expect((await set(new Date(Date.now() + 10 * 60_000))).status).toBe(200);

    const early = await Promise.all(Array.from({ length: PRE_QUEUE }, () => tokenFor(randomUUID())));
    const joins = await inFlight(
      40,
      early.map((token) => () => platform.api('POST', `/events/${event.eventId}/queue`, { token })),
    );
    expect(joins.map((j) => j.status)).toEqual(early.map(() => 201));
    expect(joins.every((j) => j.body.state === 'pre_queue' && j.body.position === null)).toBe(true);
    // A second join (another device) finds the same place.
    const again = await platform.api('POST', `/events/${event.eventId}/queue`, { token: early[0] });
    expect(again.status).toBe(200);
    expect(again.body.joinedAt).toBe(joins[0]!.body.joinedAt);

    // The opening, now: the admitter is woken by the new settings.
    expect((await set(new Date(Date.now() - 1_000))).status).toBe(200);
    const late: string[] = [];
    for (let i = 0; i < 5; i++) {
      const token = await tokenFor(randomUUID());
      expect((await platform.api('POST', `/events/${event.eventId}/queue`, { token })).status).toBe(201);
      late.push(token);
    }

    await until(async () => (await entries(event.eventId)).every((e) => e.state === 'admitted'), 60_000, 250);
    const rows = await entries(event.eventId);
    expect(rows).toHaveLength(PRE_QUEUE + 5);
    expect(new Set(rows.map((r) => r.admission_id)).size).toBe(PRE_QUEUE + 5);

    const pre = rows.slice(0, PRE_QUEUE);
    const after = rows.slice(PRE_QUEUE);
    // The order of admission follows the ranks: a step's admissions share their instant, steps follow each other.
    const byRank = [...rows].sort((a, b) => Number(BigInt(a.rank) - BigInt(b.rank)));
    for (let i = 1; i < byRank.length; i++) {
      expect(admittedAt(byRank[i]!)).toBeGreaterThanOrEqual(admittedAt(byRank[i - 1]!));
    }
    expect(new Set(rows.map(admittedAt)).size).toBeGreaterThan(1);
    // Later arrivals come after every early one, in the order they joined.
    expect(byRank.slice(PRE_QUEUE).map((r) => r.customer_id)).toEqual(after.map((r) => r.customer_id));
    // The pre-queue's admission order is unrelated to its join order: for a random order |rho| < 0.2 fails with
    // probability below 1e-9 (rho's deviation is 1/sqrt(n-1), 0.032 here); the join order itself has rho = 1.
    const joinOrder = pre.map((_, i) => i);
    const sortedRanks = [...pre].sort((a, b) => Number(BigInt(a.rank) - BigInt(b.rank)));
    const admissionOrder = pre.map((r) => sortedRanks.indexOf(r));
    const rho = spearman(joinOrder, admissionOrder);
    expect(Math.abs(rho), `Spearman rho ${rho}`).toBeLessThan(0.2);
    expect(spearman(joinOrder, joinOrder)).toBe(1);

    // Each place answers its admission, bound to its account.
    const mine = await platform.api('GET', `/events/${event.eventId}/queue/me`, { token: late[4] });
    expect(mine.status).toBe(200);
    expect(mine.body.state).toBe('admitted');
    expect(mine.body.admission.token).toEqual(expect.any(String));
  }, 120_000);

  it('keeps one place per account and refuses a queue ticket presented by another account', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events), seatsOf([{ rows: 1, seats: 5 }]));
    const opensAt = new Date(Date.now() + 10 * 60_000).toISOString();
    expect((await setOnSale(event.eventId, { opensAt, waitingRoom: true })).status).toBe(200);
    const [alice, bob] = await Promise.all([tokenFor(randomUUID()), tokenFor(randomUUID())]);
    const first = await platform.api('POST', `/events/${event.eventId}/queue`, { token: alice });
    const second = await platform.api('POST', `/events/${event.eventId}/queue`, { token: alice });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect((await entries(event.eventId)).length).toBe(1);
    expect((await platform.api('POST', `/events/${event.eventId}/queue`, { token: bob })).status).toBe(201);

    const ticket = encodeURIComponent(first.body.ticket as string);
    expect((await platform.api('GET', `/events/${event.eventId}/queue/me?ticket=${ticket}`, { token: alice })).status).toBe(200);
    const stolen = await platform.api('GET', `/events/${event.eventId}/queue/me?ticket=${ticket}`, { token: bob });
    expect(stolen.status).toBe(403);
    expect(stolen.body.code).toBe('QUEUE_TICKET_NOT_YOURS');

    // Leaving gives the place up; joining again is a new place at the back.
    expect((await platform.api('DELETE', `/events/${event.eventId}/queue/me`, { token: alice })).status).toBe(204);
    const gone = await platform.api('GET', `/events/${event.eventId}/queue/me`, { token: alice });
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_IN_QUEUE']);
  }, 60_000);

  it('holds only with a valid admission, lets the next customer in when one expires unused, and tells everyone waiting at sell-out', async () => {
    const event: TestEvent = await eventOnSale(eventsCtx(platform.orms.events), seatsOf([{ rows: 1, seats: 2 }]));
    const [seat1, seat2] = event.seatIds as [string, string];
    const settings = {
      opensAt: new Date(Date.now() - 1_000).toISOString(),
      waitingRoom: true,
      admissionRatePerMinute: 6_000,
      admissionTtlSeconds: 6,
      maxSeatsPerCustomer: 1,
    };
    expect((await setOnSale(event.eventId, settings)).status).toBe(200);
    const [a, b, c, d, e] = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((tag) => newCustomer(platform.api, `queue-${tag}`)));
    const tickets: string[] = [];
    for (const customer of [a, b, c, d, e]) {
      const joined = await platform.api('POST', `/events/${event.eventId}/queue`, { token: customer!.accessToken });
      expect(joined.status).toBe(201);
      tickets.push(joined.body.ticket as string);
    }
    const place = (token: string) => platform.api('GET', `/events/${event.eventId}/queue/me`, { token });
    const hold = (token: string, seats: string[], admissionToken?: string) =>
      platform.api('POST', '/bookings', { token, body: { eventId: event.eventId, seats, ...(admissionToken ? { admissionToken } : {}) } });
    const refusal = (answer: Answer) => [answer.status, answer.body.code];

    // Two seats free: the first two are admitted, the third waits for a seat or a lapsed admission.
    await until(async () => (await place(b!.accessToken)).body.state === 'admitted', 15_000, 100);
    const [pa, pb] = [(await place(a!.accessToken)).body, (await place(b!.accessToken)).body];
    expect(pa.state).toBe('admitted');
    const waiting = (await place(c!.accessToken)).body;
    expect([waiting.state, waiting.position, waiting.peopleAhead]).toEqual(['waiting', 1, 0]);

    expect(refusal(await hold(a!.accessToken, [seat1]))).toEqual([403, 'ADMISSION_REQUIRED']);
    // The token first: without one, asking for more seats than an admission holds is still no admission.
    expect(refusal(await hold(a!.accessToken, [seat1, seat2]))).toEqual([403, 'ADMISSION_REQUIRED']);
    expect(refusal(await hold(b!.accessToken, [seat1], pa.admission.token))).toEqual([403, 'ADMISSION_REQUIRED']);
    expect(refusal(await hold(b!.accessToken, [seat1], `${pb.admission.token}x`))).toEqual([403, 'ADMISSION_REQUIRED']);
    expect(refusal(await hold(b!.accessToken, [seat1, seat2], pb.admission.token))).toEqual([422, 'ADMISSION_SEAT_LIMIT']);
    const held = await hold(b!.accessToken, [seat1], pb.admission.token);
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(refusal(await hold(b!.accessToken, [seat2], pb.admission.token))).toEqual([403, 'ADMISSION_USED']);

    // A's admission lapses unused: A is refused, and C is admitted in its place.
    await until(async () => (await place(c!.accessToken)).body.state === 'admitted', 15_000, 100);
    expect((await place(a!.accessToken)).body.state).toBe('expired');
    expect(refusal(await hold(a!.accessToken, [seat2], pa.admission.token))).toEqual([403, 'ADMISSION_EXPIRED']);
    // As ADMISSION_EXPIRED says, A joins again: a new place at the back (behind D and E), with a new queue ticket.
    const rejoined = await platform.api('POST', `/events/${event.eventId}/queue`, { token: a!.accessToken });
    expect([rejoined.status, rejoined.body.state, rejoined.body.position, rejoined.body.admission]).toEqual([201, 'waiting', 3, null]);
    expect(decodeJwt(rejoined.body.ticket as string).seq).not.toBe(decodeJwt(tickets[0]!).seq);
    expect((await platform.api('POST', `/events/${event.eventId}/queue`, { token: a!.accessToken })).status).toBe(200);
    expect(refusal(await hold(a!.accessToken, [seat2], pa.admission.token))).toEqual([403, 'ADMISSION_EXPIRED']);
    const pc = (await place(c!.accessToken)).body;
    // C loses the race for a taken seat and keeps its admission for another.
    expect(refusal(await hold(c!.accessToken, [seat1], pc.admission.token))).toEqual([409, 'SEATS_UNAVAILABLE']);
    expect((await place(c!.accessToken)).body.state).toBe('admitted');
    const heldC = await hold(c!.accessToken, [seat2], pc.admission.token);
    expect(heldC.status, JSON.stringify(heldC.body)).toBe(201);

    for (const [customer, booking] of [
      [b!, held],
      [c!, heldC],
    ] as const) {
      const paid = await platform.api('POST', `/bookings/${booking.body.id}/pay`, {
        token: customer.accessToken,
        body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    }
    // Every seat sold: D and E, still waiting, are told at once, and pointed at the waiting list.
    await until(async () => (await place(e!.accessToken)).body.state === 'sold_out', 15_000, 100);
    const told = (await place(d!.accessToken)).body;
    expect([told.state, told.waitingList]).toEqual(['sold_out', `/events/${event.eventId}/waiting-list`]);
    const stream = await fetch(`${platform.gatewayUrl}/api/v1/events/${event.eventId}/queue/me/stream`, {
      headers: { authorization: `Bearer ${d!.accessToken}` },
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    // A sold-out place changes no more: the stream says so once and ends.
    expect(await stream.text()).toContain('"state":"sold_out"');
    const late = await platform.api('POST', `/events/${event.eventId}/queue`, { token: await tokenFor(randomUUID()) });
    expect(refusal(late)).toEqual([409, 'EVENT_SOLD_OUT']);
    // The admitter ended with the sell-out, having admitted A, B and C once each (A's admission expired unused).
    const ended = await endedWorkflow<AdmitterResult>(onSaleAdmitterWorkflowId(event.eventId), 'on-sale-admitter.sold-out');
    expect([ended.ended, ended.progress.admitted, ended.progress.expired, ended.progress.used]).toEqual(['sold_out', 3, 1, 2]);
  }, 90_000);

  it('answers bad input on every waiting-room route with problem+json and a stable code', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events), seatsOf([{ rows: 1, seats: 2 }]));
    const customer = await tokenFor(randomUUID());
    const on = `/events/${event.eventId}/on-sale`;
    const expectProblem = (answer: Answer, status: number, code: string) => {
      expect([answer.status, answer.body.code]).toEqual([status, code]);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    };
    expectProblem(await platform.api('GET', on), 404, 'ON_SALE_NOT_SET');
    expectProblem(await platform.api('POST', `/events/${event.eventId}/queue`, { token: customer }), 404, 'ON_SALE_NOT_SET');
    expectProblem(await platform.api('GET', `/events/${event.eventId}/queue/me`, { token: customer }), 404, 'ON_SALE_NOT_SET');
    expectProblem(await platform.api('GET', `/events/${event.eventId}/queue/me/stream`, { token: customer }), 404, 'ON_SALE_NOT_SET');
    expectProblem(await platform.api('DELETE', `/events/${event.eventId}/queue/me`, { token: customer }), 404, 'ON_SALE_NOT_SET');
    expectProblem(await platform.api('GET', '/events/not-a-uuid/on-sale'), 422, 'VALIDATION_FAILED');
    const bad = [
      { opensAt: 'tomorrow', waitingRoom: true },
      { opensAt: new Date().toISOString() },
      { opensAt: new Date().toISOString(), waitingRoom: true, admissionRatePerMinute: 0 },
      { opensAt: new Date().toISOString(), waitingRoom: true, admissionRatePerMinute: 'fast' },
      { opensAt: new Date().toISOString(), waitingRoom: true, admissionTtlSeconds: 1.5 },
      { opensAt: new Date().toISOString(), waitingRoom: true, maxSeatsPerCustomer: 0 },
    ];
    for (const body of bad) expectProblem(await platform.api('PUT', on, { token: admin, body }), 422, 'VALIDATION_FAILED');
    expectProblem(await platform.api('PUT', on, { token: customer, body: bad[1] }), 403, 'FORBIDDEN');
    const off = await setOnSale(event.eventId, { opensAt: new Date().toISOString(), waitingRoom: false });
    expect(off.status).toBe(200);
    expect((await platform.api('GET', on)).body).toMatchObject({
      waitingRoom: false,
      admissionRatePerMinute: 'auto',
      admissionTtlSeconds: 600,
    });
    expectProblem(await platform.api('POST', `/events/${event.eventId}/queue`, { token: customer }), 409, 'WAITING_ROOM_OFF');
    expectProblem(await platform.api('GET', `/events/${event.eventId}/queue/me`, { token: customer }), 404, 'NOT_IN_QUEUE');
    expectProblem(await platform.api('DELETE', `/events/${event.eventId}/queue/me`, { token: customer }), 404, 'NOT_IN_QUEUE');
    expectProblem(await platform.api('GET', `/events/${event.eventId}/queue/me?ticket=`, { token: customer }), 422, 'VALIDATION_FAILED');
    expectProblem(await platform.api('POST', `/events/${event.eventId}/queue`), 401, 'AUTHENTICATION_REQUIRED');
  }, 60_000);
});
