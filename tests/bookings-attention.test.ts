// Stuck work made visible by the bookings service: GET /bookings/attention (admins), the eventix_sagas_stuck gauge and
// the warning on /ready, over bookings made stuck on purpose in the booking table.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../common/db/orm.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import type { Answer } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';

type AttentionItem = {
  id: string;
  reason: string;
  status: string;
  since: string;
  failureCode: string | null;
  workflow: { workflowId: string; execution: string | null; status: string | null; pendingActivity: unknown; error: string | null };
};

describe('bookings that need attention', () => {
  let platform: TestPlatform;
  let adminToken: string;
  let orm: Orm;
  const inserted: string[] = [];
  const hourAgo = () => new Date(Date.now() - 60 * 60_000);

  beforeAll(async () => {
    platform = await startTestPlatform();
    orm = platform.orms.bookings;
    adminToken = (await signIn(platform.api, ADMIN.email, ADMIN.password)).accessToken;
  }, 120_000);

  afterAll(async () => {
    if (orm && inserted.length > 0) {
      await orm.em.fork().execute('delete from booking_history where booking_id in (?)', [inserted]);
      await orm.em.fork().execute('delete from booking where id in (?)', [inserted]);
    }
    await platform?.stop();
  });

  /** A booking row as a saga that ended (or never got further) left it; its workflow is not in Temporal. */
  async function bookingRow(fields: { status: string; failureCode?: string; paymentStatus?: string; movedAt: Date }): Promise<string> {
    const id = randomUUID();
    inserted.push(id);
    await orm.em.fork().execute(
      `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at, updated_at, failure_code, payment_status)
       values (?, ?, ?, ?, '{}', ?, ?, ?, ?, ?)`,
      [
        id,
        randomUUID(),
        randomUUID(),
        fields.status,
        `booking-${id}`,
        fields.movedAt,
        fields.movedAt,
        fields.failureCode ?? null,
        fields.paymentStatus ?? null,
      ],
    );
    await orm.em
      .fork()
      .execute(
        `insert into booking_history (booking_id, source, seq, from_status, to_status, at, actor, reason) values (?, 'booking', 1, null, ?, ?, 'system', 'test')`,
        [id, fields.status, fields.movedAt],
      );
    return id;
  }

  /** Every page of the list, followed by its cursors. */
  async function attentionList(token = adminToken, limit = 100): Promise<AttentionItem[]> {
    const items: AttentionItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await platform.api('GET', `/bookings/attention?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      items.push(...(page.body.items as AttentionItem[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  const bookingsService = (path: string) => fetch(`http://127.0.0.1:${platform.services.bookings.port}${path}`);

  it('lists a held booking long past its expiry as stalled, with its running workflow, and flags it on /ready and in the gauge', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const customer = await newCustomer(platform.api, 'stuck');
    const held = await platform.api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[0]] },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const id = held.body.id as string;
    // As if its saga had stopped an hour ago: the row is still HELD, long past its hold's expiry.
    await orm.em.fork().execute('update booking set expires_at = ?, updated_at = ? where id = ?', [hourAgo(), hourAgo(), id]);

    const item = (await attentionList()).find((i) => i.id === id);
    expect(item).toMatchObject({
      reason: 'stalled',
      status: 'HELD',
      failureCode: null,
      workflow: { workflowId: `booking-${id}`, execution: 'RUNNING', status: 'HELD', pendingActivity: null, error: null },
    });

    const ready = await bookingsService('/ready');
    const report = (await ready.json()) as {
      status: string;
      checks: Record<string, { status: string; details?: Record<string, unknown> }>;
    };
    // A warning, not a failure: the service stays ready.
    expect(report.checks.sagas).toMatchObject({ status: 'ok', details: { warning: expect.stringContaining('need attention') } });
    expect(Number(report.checks.sagas!.details!.stalled)).toBeGreaterThanOrEqual(1);
    expect(ready.status).toBe(report.status === 'ok' ? 200 : 503);

    const metrics = await (await bookingsService('/metrics')).text();
    const stalled = metrics.split('\n').find((line) => line.startsWith('eventix_sagas_stuck{') && line.includes('reason="stalled"'));
    expect(Number(stalled?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);

    // Cancelled, it moves on and leaves the list.
    expect((await platform.api('POST', `/bookings/${id}/cancel`, { token: customer.accessToken })).body.status).toBe('CANCELLED');
    expect((await attentionList()).some((i) => i.id === id)).toBe(false);
  });

  it('lists a saga that ended needing an operator, and a confirmed booking whose payment was refunded, oldest first', async () => {
    const operator = await bookingRow({
      status: 'FAILED',
      failureCode: 'COMPENSATION_FAILED',
      movedAt: new Date(Date.now() - 2 * 60 * 60_000),
    });
    const refunded = await bookingRow({ status: 'CONFIRMED', paymentStatus: 'REFUNDED', movedAt: hourAgo() });
    const recent = await bookingRow({ status: 'CONFIRMED', paymentStatus: 'REFUNDED', movedAt: new Date() });
    const ended = await bookingRow({ status: 'EXPIRED', movedAt: hourAgo() });

    // One at a time: the cursor walks the whole list, each booking once.
    const items = await attentionList(adminToken, 1);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const mine = items.filter((i) => [operator, refunded, recent, ended].includes(i.id));
    expect(mine.map((i) => [i.id, i.reason, i.status, i.failureCode])).toEqual([
      [operator, 'needs_operator', 'FAILED', 'COMPENSATION_FAILED'],
      [refunded, 'refunded_while_confirmed', 'CONFIRMED', null],
    ]);
    // Temporal knows no such workflow: the booking is listed all the same.
    expect(mine[0]!.workflow).toMatchObject({ workflowId: `booking-${operator}`, execution: null, error: expect.any(String) });
  });

  it('is for admins only', async () => {
    const customer = await newCustomer(platform.api, 'nosy');
    const answer = await platform.api('GET', '/bookings/attention', { token: customer.accessToken });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
    expect((await platform.api('GET', '/bookings/attention')).status).toBe(401);
  });

  it('refuses a cursor it did not give out', async () => {
    const answer = await platform.api('GET', '/bookings/attention?cursor=bm9wZQ', { token: adminToken });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('INVALID_CURSOR');
  });
});
