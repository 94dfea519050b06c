// The event's cancellation policy, read from the events service when a booking is shown or cancelled: the policy in
// force at that moment applies (the organizer changing it later changes it for bookings not yet cancelled).
import { z } from '@hono/zod-openapi';
import { DomainError } from '../../common/errors/domain-error.ts';
import { createServiceClient, okJson, UpstreamUnavailable } from '../../common/http/service-client.ts';
import type { CancellationPolicy } from '../../domain/bookings/cancellation-terms.ts';

/** What the bookings service reads of GET /events/{id}; the policy as this side expects it, checked as it arrives. */
const EventPolicySchema = z.object({
  startsAt: z.string(),
  cancellationPolicy: z.object({
    customersMayCancel: z.boolean(),
    deadlineHoursBeforeStart: z.number().int().min(0),
    feeKind: z.enum(['none', 'fixed', 'percent']),
    feeValue: z.number().int().min(0),
  }),
});

export interface EventPolicy {
  startsAt: Date;
  policy: CancellationPolicy;
}

/** The event's policy and start; null when the events service does not know the event (or cannot be asked). */
export async function readEventPolicy(eventsUrls: string[], eventId: string, doFetch: typeof fetch = fetch): Promise<EventPolicy | null> {
  const events = createServiceClient({ service: 'events', instances: eventsUrls, fetch: doFetch });
  const answer = await events
    .call(`/events/${eventId}`, async (res) => (res.status === 404 ? null : EventPolicySchema.parse(await okJson(res))))
    .catch((err: unknown) => {
      if (err instanceof UpstreamUnavailable) return undefined;
      throw err;
    });
  if (answer === undefined) return null;
  return answer && { startsAt: new Date(answer.startsAt), policy: answer.cancellationPolicy };
}

/** The policy a customer's cancel is held to: without it nobody can say what they would be refunded, so they wait. */
export async function policyForCustomer(eventsUrls: string[], eventId: string): Promise<EventPolicy> {
  const policy = await readEventPolicy(eventsUrls, eventId);
  if (!policy) {
    throw new DomainError(
      'unavailable',
      'POLICY_UNAVAILABLE',
      'The event’s cancellation policy cannot be read right now; try again shortly.',
    );
  }
  return policy;
}
