// The waiting room's handlers: join (limited per address and account), read a place with its signed ticket and, once
// admitted, its admission token; follow it live; leave.
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { principalOf } from '../../common/auth/middleware.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { clientAddress } from '../../common/http/client-address.ts';
import { gatewaySecret } from '../../common/secrets.ts';
import { queueTicketIsFor, signAdmission, signQueueTicket } from '../../domain/bookings/admission.ts';
import { sharedOnSaleCache, type OnSaleRecord } from '../../domain/bookings/on-sale.ts';
import {
  estimatedWaitSeconds,
  joinLimiter,
  joinQueue,
  leaveQueue,
  notInQueue,
  readPlace,
  type Place,
  type PlaceState,
} from '../../domain/bookings/queue.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { QueueHandlers } from './queue.routes.ts';

/** A comment this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
/** A stream reads its place this often: a change shows within it. */
const STREAM_READ_MS = 2_000;
/** States after which a place changes no more: the stream ends. */
const FINAL: ReadonlySet<PlaceState> = new Set(['used', 'expired', 'sold_out']);

export function queueHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'config'>): QueueHandlers {
  const cache = sharedOnSaleCache(deps.orm);
  const limiter = joinLimiter();
  let secret: Promise<string> | undefined;
  const em = () => deps.orm.em.fork();

  const settingsOf = async (eventId: string): Promise<OnSaleRecord> => {
    const record = await cache.get(eventId);
    if (!record) throw new DomainError('not_found', 'ON_SALE_NOT_SET', 'This event has no on-sale settings.');
    return record;
  };
  const read = async (record: OnSaleRecord, customerId: string) => {
    const place = await readPlace(em(), record.eventId, customerId);
    if (!place) throw notInQueue();
    return placeBody(record, place);
  };

  return {
    join: async (c) => {
      const eventId = c.req.valid('param').id;
      const { userId } = principalOf(c);
      const record = await settingsOf(eventId);
      limiter.hit(eventId, clientAddress(c, await (secret ??= gatewaySecret(deps.config))), userId, record.joinsPerAddressPerMinute);
      const { place, created } = await joinQueue(em(), record, userId);
      return c.json(await placeBody(record, place), created ? 201 : 200);
    },
    me: async (c) => {
      const eventId = c.req.valid('param').id;
      const { userId } = principalOf(c);
      const record = await settingsOf(eventId);
      const { ticket } = c.req.valid('query');
      if (ticket !== undefined && !(await queueTicketIsFor(record, ticket, userId))) {
        throw new DomainError('forbidden', 'QUEUE_TICKET_NOT_YOURS', 'This queue ticket is not this account’s for this event.');
      }
      return c.json(await read(record, userId), 200);
    },
    stream: async (c) => {
      const eventId = c.req.valid('param').id;
      const { userId } = principalOf(c);
      const record = await settingsOf(eventId);
      // The first read answers a missing place with 404, before the stream starts.
      const first = await read(record, userId);
      return streamSSE(c, (stream) => relayPlace(stream, first, () => read(record, userId)));
    },
    leave: async (c) => {
      const eventId = c.req.valid('param').id;
      await settingsOf(eventId);
      await leaveQueue(em(), eventId, principalOf(c).userId);
      return c.body(null, 204);
    },
  };
}

export async function placeBody(record: OnSaleRecord, place: Place) {
  const admission =
    place.state === 'admitted' && place.admissionId && place.expiresAt
      ? {
          token: await signAdmission(record, {
            customerId: place.customerId,
            eventId: place.eventId,
            admissionId: place.admissionId,
            expiresAt: place.expiresAt,
          }),
          expiresAt: place.expiresAt.toISOString(),
        }
      : null;
  const rate = record.admissionRatePerMinute === 'auto' ? record.currentRatePerMinute : record.admissionRatePerMinute;
  return {
    eventId: place.eventId,
    state: place.state,
    position: place.position,
    peopleAhead: place.peopleAhead,
    estimatedWaitSeconds: estimatedWaitSeconds(place, rate),
    joinedAt: place.joinedAt.toISOString(),
    ticket: await signQueueTicket(record, place.customerId, place.seq),
    admission,
    waitingList: place.state === 'sold_out' ? `/events/${place.eventId}/waiting-list` : null,
  };
}

type PlaceBody = Awaited<ReturnType<typeof placeBody>>;

/** The place at once, then whenever it changes, until it can change no more; a read that fails ends the stream. */
async function relayPlace(stream: SSEStreamingApi, first: PlaceBody, read: () => Promise<PlaceBody>): Promise<void> {
  let id = 0;
  // The ticket is signed anew on each read (its iat): compare the place without it.
  const seen = (p: PlaceBody) => JSON.stringify({ ...p, ticket: undefined, admission: p.admission?.expiresAt ?? null });
  let sent = seen(first);
  let wroteAt = Date.now();
  let wake: (() => void) | undefined;
  stream.onAbort(() => wake?.());
  await stream.writeSSE({ id: String(++id), event: 'place', data: JSON.stringify(first) });
  let state = first.state;
  while (!stream.aborted && !stream.closed && !FINAL.has(state)) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, STREAM_READ_MS);
    });
    clearTimeout(timer);
    if (stream.aborted) break;
    const place = await read().catch(() => undefined);
    if (!place) break;
    state = place.state;
    if (seen(place) !== sent) {
      sent = seen(place);
      wroteAt = Date.now();
      await stream.writeSSE({ id: String(++id), event: 'place', data: JSON.stringify(place) });
    } else if (Date.now() - wroteAt >= KEEP_ALIVE_MS) {
      wroteAt = Date.now();
      await stream.write(': keep-alive\n\n');
    }
  }
}
