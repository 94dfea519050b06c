// The load a fault meets: signed-up customers booking through the gateways as careful clients do. Every hold, pay and
// cancel carries an Idempotency-Key and is retried with the same key on 502/503/504, 409 IDEMPOTENCY_KEY_IN_USE and
// connection errors (bounded, with backoff, honouring Retry-After), so what is recorded is what a careful client
// experiences: every answer it saw, and what it was last told about its booking.
import { randomUUID } from 'node:crypto';

/** What a customer means to do with their booking. */
export type Plan = 'pay' | 'pay-after-decline' | 'slow-card' | 'cancel-held' | 'let-expire' | 'cancel-confirmed';
const PLANS: Plan[] = ['pay', 'pay', 'pay-after-decline', 'slow-card', 'cancel-held', 'let-expire', 'pay', 'cancel-confirmed'];

export const CARDS = { good: 'pm_card_visa', declined: 'pm_card_visa_chargeDeclined', slow: 'pm_card_visa_slow' } as const;
const PASSWORD = 'correct horse battery staple';

export interface Customer {
  id: string;
  email: string;
  token: string;
}

export interface BookingRecord {
  plan: Plan;
  customerId: string;
  bookingId: string | undefined;
  seatId: string;
  /** What the client was last told about its booking: a status from a 2xx answer, or nothing yet. */
  told: string | undefined;
  toldAt: number | undefined;
  /** Every answer other than the one hoped for, as "<status> <code>" (or "connection error"), retries included. */
  errors: string[];
  /** The client stopped retrying an operation without an answer it could act on. */
  gaveUp: boolean;
  confirmedAt: number | undefined;
}

/** Points in the load a fault can wait for. */
export type Milestone = 'holding' | 'held' | 'paying' | 'slow-charging' | 'confirmed' | 'done';

export interface Load {
  records: BookingRecord[];
  /** Resolves when the load reaches the milestone (at once if it already has). */
  reached(milestone: Milestone): Promise<void>;
  done: Promise<void>;
}

export interface LoadOptions {
  gatewayUrls: string[];
  customers: Customer[];
  eventId: string;
  seatIds: string[];
  /** Awaited once every hold has been answered and before any pay is sent: a fault "between hold and pay". Without it each
   * customer pays as soon as its own hold is answered. */
  beforePay?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The few fields of an answer the load reads: a booking's id and status, a problem's code, a sign-in's token. */
interface AnswerBody {
  id?: string;
  status?: string;
  code?: string;
  accessToken?: string;
}

interface Answer {
  status: number;
  body: AnswerBody | undefined;
  retryAfter: number | undefined;
}

/** Requests spread over the gateways as a load balancer would; a refused connection is answered by the next try. */
export class Client {
  #next = 0;
  readonly gatewayUrls: string[];
  constructor(gatewayUrls: string[]) {
    this.gatewayUrls = gatewayUrls;
  }

  async once(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> {
    const base = this.gatewayUrls[this.#next++ % this.gatewayUrls.length]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['idempotency-key'] = options.key;
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // Longer than any answer the platform means to give; a request still open then is a hang, reported as one.
      signal: AbortSignal.timeout(40_000),
    });
    const text = await res.text();
    let body: AnswerBody | undefined;
    try {
      body = text ? (JSON.parse(text) as AnswerBody) : undefined;
    } catch {
      // not JSON (a proxy's page, say): no fields to read
    }
    const retryAfter = res.headers.get('retry-after');
    return { status: res.status, body, retryAfter: retryAfter ? Number(retryAfter) : undefined };
  }

  /**
   * One operation as a careful client sends it: the same key on every try, retried while the answer says "try again"
   * (at most 8 tries over about a minute); each such answer is noted in `errors`. The last answer, or undefined.
   */
  async careful(method: string, path: string, options: { token: string; body?: unknown }, errors: string[]): Promise<Answer | undefined> {
    const key = randomUUID();
    let delay = 500;
    for (let attempt = 1; attempt <= 8; attempt++) {
      let answer: Answer | undefined;
      try {
        answer = await this.once(method, path, { ...options, key });
      } catch (err) {
        errors.push((err as Error).name === 'TimeoutError' ? 'no answer in 40 s' : 'connection error');
      }
      if (answer) {
        const again = [502, 503, 504].includes(answer.status) || answer.body?.code === 'IDEMPOTENCY_KEY_IN_USE';
        if (!again) return answer;
        errors.push(describe(answer));
        if (attempt === 8) return answer;
        if (answer.retryAfter !== undefined && Number.isFinite(answer.retryAfter)) delay = Math.min(10_000, answer.retryAfter * 1000);
      }
      await sleep(delay);
      delay = Math.min(10_000, delay * 2);
    }
    return undefined;
  }
}

export const describe = (answer: Answer) => `${answer.status} ${answer.body?.code ?? ''}`.trim();

/** Registers and signs in `count` customers (before any fault: signing up is not what is under test). */
export async function signUpCustomers(gatewayUrls: string[], count: number, tag: string): Promise<Customer[]> {
  const client = new Client(gatewayUrls);
  const one = async (): Promise<Customer> => {
    const email = `${tag}-${randomUUID()}@example.com`;
    const registered = await client.once('POST', '/auth/register', { body: { email, password: PASSWORD, name: `Chaos ${tag}` } });
    if (registered.status !== 201)
      throw new Error(`could not register a customer: ${registered.status} ${JSON.stringify(registered.body)}`);
    const signedIn = await client.once('POST', '/auth/login', { body: { email, password: PASSWORD } });
    if (signedIn.status !== 200) throw new Error(`could not sign in: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
    return { id: registered.body!.id!, email, token: signedIn.body!.accessToken! };
  };
  const customers: Customer[] = [];
  // A few at a time: password hashing is slow on purpose.
  for (let i = 0; i < count; i += 8) customers.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, one))));
  return customers;
}

/** Starts one booking per customer, each on its own seat, and resolves `done` when every client has finished. */
export function startLoad(options: LoadOptions): Load {
  const reachedAt = new Map<Milestone, () => void>();
  const promises = new Map<Milestone, Promise<void>>();
  const milestone = (m: Milestone) => {
    if (!promises.has(m)) promises.set(m, new Promise<void>((resolve) => reachedAt.set(m, resolve)));
    return promises.get(m)!;
  };
  const mark = (m: Milestone) => {
    void milestone(m);
    reachedAt.get(m)!();
  };
  const records: BookingRecord[] = options.customers.map((customer, i) => ({
    plan: PLANS[i % PLANS.length]!,
    customerId: customer.id,
    bookingId: undefined,
    seatId: options.seatIds[i]!,
    told: undefined,
    toldAt: undefined,
    errors: [],
    gaveUp: false,
    confirmedAt: undefined,
  }));
  const client = new Client(options.gatewayUrls);

  const tell = (record: BookingRecord, answer: Answer | undefined) => {
    if (!answer) {
      record.gaveUp = true;
      return;
    }
    if (answer.status >= 200 && answer.status < 300 && answer.body?.status) {
      record.told = answer.body.status;
      record.toldAt = Date.now();
      if (record.told === 'CONFIRMED') {
        record.confirmedAt ??= Date.now();
        mark('confirmed');
      }
    } else if (answer.status !== 402) {
      if (![502, 503, 504].includes(answer.status)) record.errors.push(describe(answer));
      // An answer that still says "try again" after every try: the client gave up.
      else record.gaveUp = true;
    }
  };

  const pay = async (record: BookingRecord, token: string, card: string) => {
    mark('paying');
    if (card === CARDS.slow) mark('slow-charging');
    const answer = await client.careful(
      'POST',
      `/bookings/${record.bookingId}/pay`,
      { token, body: { paymentMethod: card } },
      record.errors,
    );
    tell(record, answer);
    if (answer?.status === 402) record.errors.push(describe(answer));
    return answer;
  };

  const finish = async (record: BookingRecord, token: string) => {
    switch (record.plan) {
      case 'pay':
        return void (await pay(record, token, CARDS.good));
      case 'slow-card':
        return void (await pay(record, token, CARDS.slow));
      case 'pay-after-decline':
        if ((await pay(record, token, CARDS.declined))?.status === 402) await pay(record, token, CARDS.good);
        return;
      case 'cancel-held':
        return tell(record, await client.careful('POST', `/bookings/${record.bookingId}/cancel`, { token, body: {} }, record.errors));
      case 'cancel-confirmed':
        if ((await pay(record, token, CARDS.good))?.body?.status === 'CONFIRMED') {
          tell(record, await client.careful('POST', `/bookings/${record.bookingId}/cancel`, { token, body: {} }, record.errors));
        }
        return;
      case 'let-expire':
        return;
    }
  };

  const holds = options.customers.map(async (customer, i) => {
    const record = records[i]!;
    // Spread over a second so the load is in flight, not one burst.
    await sleep((i * 1000) / options.customers.length);
    mark('holding');
    const held = await client.careful(
      'POST',
      '/bookings',
      { token: customer.token, body: { eventId: options.eventId, seats: [record.seatId] } },
      record.errors,
    );
    tell(record, held);
    if (held?.status === 201 || held?.status === 200) record.bookingId = held.body?.id;
  });
  void Promise.all(holds).then(() => mark('held'));
  // With a gate every customer waits for it (once all holds are answered); otherwise each pays after its own hold.
  const gate = options.beforePay ? Promise.all(holds).then(options.beforePay) : Promise.resolve();

  const done = (async () => {
    await Promise.all(
      holds.map(async (held, i) => {
        await held;
        await gate;
        const record = records[i]!;
        if (!record.bookingId || record.told !== 'HELD') return;
        // A moment to think (up to a second) before paying or cancelling.
        await sleep((((i * 7) % options.customers.length) * 1000) / options.customers.length);
        await finish(record, options.customers[i]!.token);
      }),
    );
    mark('done');
  })();
  // A fault waiting for a milestone the load never reaches (every hold failed, say) goes on once the load is done.
  void done.finally(() => {
    for (const m of ['holding', 'held', 'paying', 'slow-charging', 'confirmed', 'done'] as Milestone[]) mark(m);
  });
  return { records, reached: milestone, done };
}

/**
 * After a fault: one careful customer (as in the load) books a seat, hold then pay with a good card, again with the
 * next seat each second until it is CONFIRMED. The milliseconds from `since` to that answer, or undefined if none
 * succeeded within `timeoutMs`.
 */
export async function firstBookingAfter(
  client: Client,
  customer: Customer,
  eventId: string,
  seats: string[],
  since: number,
  timeoutMs: number,
  /** Every answer other than the one hoped for, for the report. */
  failures: string[] = [],
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (const seat of seats) {
    if (Date.now() > deadline) return undefined;
    const token = customer.token;
    const held = await client.careful('POST', '/bookings', { token, body: { eventId, seats: [seat] } }, failures);
    if (held?.status === 201 && held.body?.id) {
      const paid = await client.careful('POST', `/bookings/${held.body.id}/pay`, { token, body: { paymentMethod: CARDS.good } }, failures);
      if (paid?.body?.status === 'CONFIRMED') return Date.now() - since;
      if (paid) failures.push(`pay ${describe(paid)}`);
    } else if (held) {
      failures.push(`hold ${describe(held)}`);
    }
    await sleep(1_000);
  }
  return undefined;
}
