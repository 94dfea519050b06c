// Customers booking through the gateways as a sale's crowd does: each POST /bookings (named seats, or a section and
// a quantity) with an Idempotency-Key, a client that gives up after 30 s, and every answer kept for the checks after.
import { randomUUID } from 'node:crypto';
import type { Customer } from './customers.ts';
import { HttpClient, closedLoop } from './load.ts';

export type Selection = { seats: string[] } | { section: string; quantity: number };

export interface Attempt {
  customerId: string;
  selection: Selection;
  /** HTTP status, or undefined when no answer came (timeout, connection error). */
  status: number | undefined;
  code: string | undefined;
  bookingId: string | undefined;
  error: string | undefined;
  ms: number;
  /** Milliseconds from the sale's start to the answer. */
  at: number;
}

/** A seeded generator, so two runs ask for the same seats in the same order. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Crowd {
  readonly #clients: HttpClient[];
  #next = 0;
  constructor(gatewayUrls: string[], connections: number) {
    // A load balancer's spread over the gateways.
    this.#clients = gatewayUrls.map((url) => new HttpClient(url, Math.ceil(connections / gatewayUrls.length), 30_000));
  }

  post(path: string, token: string, body: unknown) {
    return this.#clients[this.#next++ % this.#clients.length]!.send({
      method: 'POST',
      path: `/api/v1${path}`,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
  }

  get(path: string, token: string) {
    return this.#clients[0]!.send({ path: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` } });
  }

  close(): void {
    for (const c of this.#clients) c.close();
  }
}

function readBody(body: Buffer): { id?: string; code?: string; status?: string } {
  try {
    return JSON.parse(body.toString()) as { id?: string; code?: string; status?: string };
  } catch {
    return {};
  }
}

/**
 * Every customer asks once for its selection, `inFlight` at a time; `after` runs for each customer that got its
 * hold (paying, say) inside the same slot, so the in-flight bound covers it.
 */
export async function runSale(options: {
  crowd: Crowd;
  eventId: string;
  customers: Customer[];
  selections: Selection[];
  inFlight: number;
  after?: (attempt: Attempt, customer: Customer) => Promise<void>;
}): Promise<{ attempts: Attempt[]; elapsedMs: number }> {
  const attempts: Attempt[] = [];
  const started = Date.now();
  await closedLoop({
    concurrency: options.inFlight,
    count: options.customers.length,
    task: async (i) => {
      const customer = options.customers[i]!;
      const selection = options.selections[i]!;
      const t0 = performance.now();
      const attempt: Attempt = {
        customerId: customer.id,
        selection,
        status: undefined,
        code: undefined,
        bookingId: undefined,
        error: undefined,
        ms: 0,
        at: 0,
      };
      try {
        const res = await options.crowd.post('/bookings', customer.token, { eventId: options.eventId, ...selection });
        const body = readBody(res.body);
        attempt.status = res.status;
        attempt.code = body.code;
        attempt.bookingId = res.status === 201 ? body.id : undefined;
      } catch (err) {
        attempt.error = (err as { code?: string }).code ?? (err as Error).message;
      }
      attempt.ms = performance.now() - t0;
      attempt.at = Date.now() - started;
      attempts.push(attempt);
      if (attempt.status === 201 && options.after) await options.after(attempt, customer);
    },
  });
  return { attempts, elapsedMs: Date.now() - started };
}

/** Pays a held booking with the test card; the status the pay answer gave (CONFIRMED when it went through). */
export async function pay(crowd: Crowd, token: string, bookingId: string): Promise<string | undefined> {
  const res = await crowd.post(`/bookings/${bookingId}/pay`, token, { paymentMethod: 'pm_card_visa' });
  return res.status === 200 ? readBody(res.body).status : `${res.status} ${readBody(res.body).code ?? ''}`.trim();
}
