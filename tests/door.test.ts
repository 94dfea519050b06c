// The door end to end, as its people use it through the gateway: a customer buys two seats and downloads the PDF; an
// admin makes a door-staff account and grants it the event; the scanner reads the printed QR code off the PDF and the
// app's rotating code, each admitted once; the counts show them; and the scanner's token opens nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../domain/invariants.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import type { Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { pdfPages } from './support/ticket-pdf.ts';
import { ADMIN, PASSWORD, newCustomer, signIn, uniqueEmail } from './support/users.ts';
import { until } from './support/wait.ts';

interface TicketBody {
  id: string;
  seatLabel: string;
  holderName: string;
  printCode: string | null;
  rotating: { currentCode: string } | null;
}

describe('the door, end to end through the gateway', () => {
  let platform: TestPlatform;
  let api: Caller;
  let event: TestEvent;

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '120' });
    api = platform.api;
    event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'B', seats: 4 }] }], [2_500]);
    const known = async () =>
      (await platform.orms.bookings.em.fork().execute('select 1 from event_catalog where event_id = ?', [event.eventId])).length > 0;
    await until(known, 15_000, 100);
  }, 120_000);

  afterAll(async () => {
    if (platform) expect(await checkInvariants(platform.orms, { eventIds: [event.eventId], terminal: true })).toEqual([]);
    await platform?.stop();
  });

  it('admits the printed code and the rotating code once each, counts them, and keeps the scanner to the door', async () => {
    // A customer buys two seats and keeps the PDF.
    const buyer = await newCustomer(api, 'door');
    await until(
      async () => (await platform.orms.bookings.em.fork().execute('select 1 from customer where user_id = ?', [buyer.id])).length > 0,
      15_000,
      100,
    );
    const held = await api('POST', '/bookings', {
      token: buyer.accessToken,
      body: { eventId: event.eventId, seats: event.seatIds.slice(0, 2) },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const paid = await api('POST', `/bookings/${held.body.id}/pay`, {
      token: buyer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    const listed = await api('GET', `/bookings/${held.body.id}/tickets`, { token: buyer.accessToken });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const tickets = listed.body.items as TicketBody[];
    expect(tickets.map((t) => t.seatLabel)).toEqual(['Hall B-1', 'Hall B-2']);
    const pdf = await fetch(`${platform.gatewayUrl}/api/v1/bookings/${held.body.id}/tickets.pdf`, {
      headers: { authorization: `Bearer ${buyer.accessToken}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    const pages = await pdfPages(Buffer.from(await pdf.arrayBuffer()));
    expect(pages).toHaveLength(2);
    expect(pages[0]!.text).toContain('Hall B-1');
    const printed = pages[0]!.qr!;
    expect(printed).toBe(tickets[0]!.printCode);

    // An admin makes a door-staff account; until it is granted the event, it may not scan there.
    const admin = await signIn(api, ADMIN.email, ADMIN.password);
    const email = uniqueEmail('scanner');
    const made = await api('POST', '/users', {
      token: admin.accessToken,
      body: { email, password: PASSWORD, name: 'Gate North', role: 'scanner' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const scanner = await signIn(api, email);
    // A door-staff account cannot be sent a ticket: it could never show one at a door.
    await until(
      async () =>
        (await platform.orms.bookings.em.fork().execute("select 1 from customer where user_id = ? and role = 'scanner'", [made.body.id]))
          .length > 0,
      15_000,
      100,
    );
    const sent = await api('POST', `/tickets/${tickets[1]!.id}/transfers`, { token: buyer.accessToken, body: { email } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(422);
    expect(sent.body).toMatchObject({ code: 'TRANSFER_RECEIVER_CANNOT_HOLD', errors: [{ field: 'email' }] });
    const scan = (code: string, gate: string) =>
      api('POST', `/events/${event.eventId}/checkins`, { token: scanner.accessToken, body: { code, gate, device: `${gate}-1` } });
    expect((await scan(printed, 'North')).body.code).toBe('SCANNER_NOT_GRANTED');
    const granted = await api('PUT', `/events/${event.eventId}/checkins/scanners/${made.body.id}`, { token: admin.accessToken });
    expect(granted.status, JSON.stringify(granted.body)).toBeLessThan(300);

    // The printed code is admitted once; the second scan names the first gate.
    const first = await scan(printed, 'North');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      result: 'ADMITTED',
      ticket: { id: tickets[0]!.id, seatLabel: 'Hall B-1', holderName: 'Test door' },
    });
    const again = await scan(printed, 'South');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'TICKET_ALREADY_USED', usedGate: 'North' });

    // The app's rotating code of the other ticket is admitted at another gate.
    const fresh = ((await api('GET', `/tickets/${tickets[1]!.id}`, { token: buyer.accessToken })).body as TicketBody).rotating!.currentCode;
    const second = await scan(fresh, 'South');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ result: 'ADMITTED', ticket: { id: tickets[1]!.id } });

    // A code that is not a ticket of ours is refused with its own code and changes nothing.
    const forged = `${printed.slice(0, -4)}AAAA`;
    expect((await scan(forged, 'North')).body.code).toBe('TICKET_INVALID_SIGNATURE');

    // The counts show both admitted, and every scan, gate by gate.
    const summary = await api('GET', `/events/${event.eventId}/checkins/summary`, { token: scanner.accessToken });
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    expect(summary.body).toMatchObject({ inside: 2, tickets: { issued: 2, used: 2, valid: 0, void: 0 } });
    const gates = Object.fromEntries(
      (summary.body.byGate as { gate: string; admitted: number; refused: number }[]).map((g) => [g.gate, g]),
    );
    expect(gates.North).toMatchObject({ admitted: 1 });
    expect(gates.South).toMatchObject({ admitted: 1, refused: 1 });

    // The scanner's token opens nothing but the door.
    for (const [method, path] of [
      ['GET', '/bookings'],
      ['GET', `/bookings/${held.body.id}/tickets`],
      ['GET', '/tickets'],
    ] as const) {
      const res = await api(method, path, { token: scanner.accessToken });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('SCANNER_TOKEN_RESTRICTED');
    }
    const booked = await api('POST', '/bookings', {
      token: scanner.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[3]] },
    });
    expect(booked.status).toBe(403);
  }, 120_000);
});
