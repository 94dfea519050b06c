// Calls to another service go to its instances in turn, each under the same timeout, and end in one typed error that
// names every instance's reason when none answered; the availability precheck is skipped when events cannot be asked.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { precheckAvailability } from '../api/bookings/availability-precheck.ts';
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

describe('the availability precheck', () => {
  const eventId = randomUUID();

  it('is skipped when no events instance can be asked', async () => {
    await expect(precheckAvailability([DOWN], eventId, { seatIds: [randomUUID()] }, instances({}))).resolves.toBeUndefined();
  });

  it("passes on the events service's word that the event does not exist", async () => {
    const events = instances({ 'http://events.test': () => new Response(null, { status: 404 }) });
    await expect(precheckAvailability([DOWN, 'http://events.test'], eventId, { seatIds: [randomUUID()] }, events)).rejects.toMatchObject({
      code: 'EVENT_NOT_FOUND',
    });
  });

  it('turns away seats the seat map shows as taken', async () => {
    const seatId = randomUUID();
    const events = instances({
      'http://events.test': () => Response.json({ seats: [{ seatId, sectionId: randomUUID(), status: 'held' }] }),
    });
    await expect(precheckAvailability(['http://events.test'], eventId, { seatIds: [seatId] }, events)).rejects.toMatchObject({
      code: 'SEATS_UNAVAILABLE',
    });
  });
});
