// Calls to another service go to its instances in turn, each under the same timeout, and end in one typed error that
// names every instance's reason when none answered; the hold route's seat claim leaves the saga to decide when events
// cannot be asked.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seatClaims } from '../api/bookings/holds.handlers.ts';
import { createServiceClient, UpstreamUnavailable, type InstanceFailure } from '../common/http/service-client.ts';
import { UpstreamPool } from '../common/http/upstream-pool.ts';

const DOWN = 'http://127.0.0.1:9';
const originOf = (input: Parameters<typeof fetch>[0]) => new URL(input instanceof Request ? input.url : input).origin;
const Answer = z.object({ from: z.string() });

/** A fetch that answers for the named instances and refuses the connection for any other. */
function instances(answers: Record<string, () => Response>): typeof fetch {
  return (input) => {
    const answer = answers[originOf(input)];
    if (!answer) return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    return Promise.resolve(answer());
  };
}

describe('a service client', () => {
  it('asks the next instance when one is away or answers badly, and says so for each', async () => {
    const failures: InstanceFailure[] = [];
    const clientOf = (first: string) =>
      createServiceClient({
        service: 'users',
        instances: [first, 'http://b.test'],
        fetch: instances({
          'http://a.test': () => new Response('nope', { status: 500 }),
          'http://b.test': () => Response.json({ from: 'b' }),
        }),
        onInstanceFailure: (failure) => failures.push(failure),
      });
    await expect(clientOf(DOWN).getJson('/thing', Answer)).resolves.toEqual({ from: 'b' });
    await expect(clientOf('http://a.test').getJson('/thing', Answer)).resolves.toEqual({ from: 'b' });
    expect(failures).toEqual([
      { url: DOWN, reason: 'fetch failed (ECONNREFUSED)' },
      { url: 'http://a.test', reason: 'answered 500' },
    ]);
  });

  it('reports that no instance answered with one typed error naming the service and every reason', async () => {
    const client = createServiceClient({
      service: 'users',
      instances: [DOWN, 'http://a.test'],
      fetch: instances({ 'http://a.test': () => Response.json({ unexpected: true }) }),
    });
    const err = await client.getJson('/thing', Answer).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailable);
    expect(err).toMatchObject({ service: 'users', failures: [{ url: DOWN }, { url: 'http://a.test' }] });
    expect((err as UpstreamUnavailable).message).toMatch(
      /^no instance of the users service answered \(http:\/\/127\.0\.0\.1:9: fetch failed/,
    );
  });

  it('gives up on an instance after its timeout and asks the next', async () => {
    // An instance that never answers: only the timeout's abort ends its request.
    const slow = (signal: AbortSignal) =>
      new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('timed out'))));
    const failures: InstanceFailure[] = [];
    const client = createServiceClient({
      service: 'events',
      instances: ['http://slow.test', 'http://b.test'],
      timeoutMs: 100,
      onInstanceFailure: (failure) => failures.push(failure),
      fetch: (input, init) =>
        originOf(input) === 'http://slow.test' && init?.signal ? slow(init.signal) : Promise.resolve(Response.json({ from: 'b' })),
    });
    // Without the timeout the slow request never settles and the test runs out of time.
    await expect(client.getJson('/thing', Answer)).resolves.toEqual({ from: 'b' });
    expect(failures).toEqual([{ url: 'http://slow.test', reason: 'timed out' }]);
  });

  it('sends an unreachable instance to the back of a shared pool until it answers again', async () => {
    const pool = new UpstreamPool('users', [DOWN, 'http://a.test']);
    const client = createServiceClient({
      service: 'users',
      instances: pool,
      fetch: instances({ 'http://a.test': () => Response.json({ from: 'a' }) }),
    });
    await client.getJson('/thing', Answer);
    expect(pool.unhealthy()).toEqual([DOWN]);
  });
});

describe('a seat claim from the hold route', () => {
  const eventId = randomUUID();
  const request = {
    holdId: randomUUID(),
    eventId,
    customerId: randomUUID(),
    selection: { seatIds: [randomUUID()] },
    until: new Date(Date.now() + 60_000).toISOString(),
    fresh: true,
  };
  const configOf = (urls: string[]) =>
    ({ services: { events: { urls } }, auth: { gatewaySecret: 'platform-secret' }, dataDir: '/nonexistent' }) as unknown as Parameters<
      typeof seatClaims
    >[0];
  const problem = (status: number, code: string, errors?: { field: string; message: string }[]) =>
    new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, code, detail: `refused: ${code}`, errors }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });

  it('is unanswered when no events instance can be asked, so the saga decides', async () => {
    await expect(seatClaims(configOf([DOWN]), instances({})).claim(request)).resolves.toEqual({ outcome: 'unanswered' });
  });

  it('posts the claim with the platform secret and answers the hold', async () => {
    const seen: { method?: string; secret?: string | null; body?: unknown }[] = [];
    const hold = { holdId: request.holdId, eventId, expiresAt: request.until, seats: [], totalMinor: 0, currency: 'EUR' };
    const events: typeof fetch = (input, init) => {
      seen.push({
        method: init?.method,
        secret: new Headers(init?.headers).get('x-eventix-gateway'),
        body: JSON.parse(init?.body as string),
      });
      return Promise.resolve(Response.json(hold));
    };
    await expect(seatClaims(configOf(['http://events.test']), events).claim(request)).resolves.toEqual({ outcome: 'held', hold });
    expect(seen).toEqual([{ method: 'POST', secret: 'platform-secret', body: request }]);
  });

  it("passes on the events service's word that the event does not exist", async () => {
    const events = instances({ 'http://events.test': () => problem(404, 'EVENT_NOT_FOUND') });
    const claim = await seatClaims(configOf([DOWN, 'http://events.test']), events).claim(request);
    expect(claim).toMatchObject({ outcome: 'refused', error: { kind: 'not_found', code: 'EVENT_NOT_FOUND' } });
  });

  it('turns a refusal for taken seats into the seats it names', async () => {
    const seatId = request.selection.seatIds[0]!;
    const events = instances({
      'http://events.test': () => problem(409, 'SEATS_UNAVAILABLE', [{ field: `seats.${seatId}`, message: 'is already taken' }]),
    });
    const claim = await seatClaims(configOf(['http://events.test']), events).claim(request);
    expect(claim).toMatchObject({
      outcome: 'refused',
      error: { kind: 'conflict', code: 'SEATS_UNAVAILABLE', details: { seatIds: [seatId] } },
    });
  });

  it('asks the next instance when one refuses the platform process or lacks the route, and falls back when none answers', async () => {
    const hold = { holdId: request.holdId, eventId, expiresAt: request.until, seats: [], totalMinor: 0, currency: 'EUR' };
    const events = instances({
      'http://old.test': () => problem(404, 'NOT_FOUND'),
      'http://strange.test': () => problem(403, 'FORBIDDEN'),
      'http://events.test': () => Response.json(hold),
    });
    const both = seatClaims(configOf(['http://old.test', 'http://strange.test', 'http://events.test']), events);
    await expect(both.claim(request)).resolves.toEqual({ outcome: 'held', hold });
    const neither = seatClaims(configOf(['http://old.test', 'http://strange.test']), events);
    await expect(neither.claim(request)).resolves.toEqual({ outcome: 'unanswered' });
  });
});
