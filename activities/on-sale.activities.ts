// The admitter's step on the `bookings` task queue: expire what lapsed, rank the pre-queue at the opening, see whether
// the event has sold out (the events service's counts), and admit the next customers the rate and the free seats allow.
import { z } from 'zod';
import type { Orm } from '../common/db/orm.ts';
import { createServiceClient, type ServiceClient } from '../common/http/service-client.ts';
import type { BookingMetrics } from '../domain/bookings/booking-metrics.ts';
import { readOnSale } from '../domain/bookings/on-sale.ts';
import {
  admitNext,
  expireAdmissions,
  markSoldOut,
  queueCounts,
  rankPreQueue,
  recordCurrentRate,
} from '../domain/bookings/queue-admitter.ts';
import type { AdmitterStepRequest, AdmitterStepResult } from '../workflows/on-sale-messages.ts';
import { asActivity } from './domain-failure.ts';

export interface OnSaleActivityDeps {
  orm: Orm;
  /** The events service's instances, whose availability says whether seats are left. */
  eventsUrls: string[];
  metrics?: Pick<BookingMetrics, 'queueLength' | 'queueAdmitted' | 'queueAdmissionsUnused'>;
}

const TotalsSchema = z.object({ totals: z.object({ available: z.number().int(), held: z.number().int() }) });

/** An event past these is over: the admitter ends. */
const OVER = new Set(['cancelled', 'completed']);

export function createOnSaleActivities(deps: OnSaleActivityDeps) {
  let events: ServiceClient | undefined;
  const seatsOf = (eventId: string) =>
    (events ??= createServiceClient({ service: 'events', instances: deps.eventsUrls })).getJson(
      `/events/${encodeURIComponent(eventId)}/availability`,
      TotalsSchema,
    );
  return {
    admitterStep: (request: AdmitterStepRequest): Promise<AdmitterStepResult> => asActivity(() => admitterStep(deps, seatsOf, request)),
  };
}

async function admitterStep(
  deps: OnSaleActivityDeps,
  seatsOf: (eventId: string) => Promise<z.infer<typeof TotalsSchema>>,
  request: AdmitterStepRequest,
): Promise<AdmitterStepResult> {
  const em = deps.orm.em.fork();
  const { eventId } = request;
  const record = await readOnSale(em, eventId);
  const [catalog] = await em.execute<{ status: string }[]>('select status from event_catalog where event_id = ?', [eventId]);
  const base = {
    waitingRoom: record?.waitingRoom ?? false,
    ranked: 0,
    admitted: 0,
    expired: 0,
    soldOut: record?.soldOutAt !== null && record?.soldOutAt !== undefined,
    saleOver: catalog !== undefined && OVER.has(catalog.status),
    admissionTtlSeconds: record?.admissionTtlSeconds ?? 600,
    admissionRatePerMinute: record?.admissionRatePerMinute ?? ('auto' as const),
    opensAt: (record?.opensAt ?? new Date()).toISOString(),
  };
  type Step = Pick<AdmitterStepResult, 'ranked' | 'admitted' | 'expired' | 'soldOut'>;
  const finish = async (step: Partial<Step> = {}): Promise<AdmitterStepResult> => {
    const counts = await queueCounts(em, eventId);
    const result = {
      ...base,
      ...step,
      waiting: counts.waiting,
      outstanding: counts.outstanding,
      used: counts.used,
      usedLastMinute: counts.usedLastMinute,
    };
    // The admitter ends after this step: its event leaves the gauge rather than stay at its last figure.
    if (result.soldOut || result.saleOver || !result.waitingRoom) deps.metrics?.queueLength.remove({ event: eventId });
    else deps.metrics?.queueLength.set({ event: eventId }, counts.waiting);
    return result;
  };
  if (!record || !record.waitingRoom || base.soldOut || base.saleOver) return finish();

  const expired = await expireAdmissions(em, eventId);
  deps.metrics?.queueAdmissionsUnused.inc(expired);
  if (Date.now() < record.opensAt.getTime()) return finish({ expired });
  const ranked = await rankPreQueue(em, eventId);
  await recordCurrentRate(em, eventId, request.ratePerMinute);

  const seats = await seatsOf(eventId);
  if (seats.totals.available === 0 && seats.totals.held === 0) {
    await markSoldOut(em, eventId);
    return finish({ expired, ranked, soldOut: true });
  }
  // Every admission outstanding may take a seat: admitting beyond the free seats would only send customers to a
  // sale with nothing left for them. An admission that lapses frees its share, and the next customer takes it.
  const { outstanding } = await queueCounts(em, eventId);
  const room = Math.max(0, seats.totals.available - outstanding);
  const admitted = await admitNext(em, eventId, Math.min(request.maxAdmissions, room), record.admissionTtlSeconds);
  deps.metrics?.queueAdmitted.inc(admitted);
  return finish({ expired, ranked, admitted });
}

export type OnSaleActivities = ReturnType<typeof createOnSaleActivities>;
