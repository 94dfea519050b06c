// `npm run demo`: books a seat end to end through the gateway of a running platform, as a new customer would.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../common/config.ts';

const config = loadConfig();
const base = process.env.EVENTIX_URL ?? `http://127.0.0.1:${config.gateway.port}`;
const api = `${base}/api/v1`;
let step = 0;

function say(line: string): void {
  console.log(`\x1b[1m${++step}.\x1b[0m ${line}`);
}

async function call<T>(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(api + path, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new Error(`the gateway at ${base} does not answer; start the platform first with: npm start`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

type EventItem = { id: string; title: string; startsAt: string; onSale: boolean };
type Seat = { seatId: string; label: string; status: string; priceMinor: number; currency: string };
type Booking = { id: string; status: string; seats: { label: string }[]; amountMinor: number; currency: string; expiresAt: string };
type Detail = Booking & { workflowUrl: string; history: { to: string; at: string; reason: string }[] };

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

async function main(): Promise<void> {
  const email = `demo-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'a demo passphrase 42';
  say(`register ${email}`);
  await call('POST', '/auth/register', { email, password, name: 'Demo Customer' });
  say('sign in');
  const { accessToken } = await call<{ accessToken: string }>('POST', '/auth/login', { email, password });

  const { items } = await call<{ items: EventItem[] }>('GET', '/events?limit=5');
  const event = items.find((e) => e.onSale);
  if (!event) throw new Error('no event is on sale; in development the demo data loads into an empty events database');
  say(`list events: ${items.length} found; booking "${event.title}" on ${event.startsAt.slice(0, 10)}`);

  const { seats } = await call<{ seats: Seat[] }>('GET', `/events/${event.id}/seats`);
  const free = seats.filter((s) => s.status === 'available');
  const pick = free.slice(0, 2);
  if (pick.length < 2) throw new Error('fewer than two seats are left for this event');
  say(`pick seats: ${pick.map((s) => `${s.label} (${money(s.priceMinor, s.currency)})`).join(', ')} of ${free.length} available`);

  const held = await call<Booking>('POST', '/bookings', { eventId: event.id, seats: pick.map((s) => s.seatId) }, accessToken, {
    'idempotency-key': randomUUID(),
  });
  say(`hold: ${held.status}, ${money(held.amountMinor, held.currency)}, until ${held.expiresAt}`);

  const paid = await call<Booking>('POST', `/bookings/${held.id}/pay`, { gateway: 'test', paymentMethod: 'pm_card_visa' }, accessToken);
  say(`pay with pm_card_visa: ${paid.status}`);

  const detail = await call<Detail>('GET', `/bookings/${held.id}`, undefined, accessToken);
  say(`booking ${detail.id}: ${detail.status}, seats ${detail.seats.map((s) => s.label).join(', ')}`);
  for (const h of detail.history) console.log(`     ${h.at}  ${h.to.padEnd(10)} ${h.reason}`);
  console.log(`\n   its saga in the Temporal Web UI: ${detail.workflowUrl}`);
}

main().catch((err: unknown) => {
  console.error(`demo stopped: ${(err as Error).message}`);
  process.exit(1);
});
