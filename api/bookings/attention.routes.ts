// The attention route (admins): bookings whose saga is stuck or ended needing an operator, each with what its
// workflow says (its status, the activity it is retrying and that activity's last failure).
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../common/auth/middleware.ts';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, jsonAnswer } from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { ATTENTION_REASONS, STUCK_AFTER_MS } from '../../domain/bookings/booking-metrics.ts';
import { BOOKING_STATUSES } from '../../entities/bookings/booking.entity.ts';
import type { BookingsAccess } from './bookings.deps.ts';

const PendingActivitySchema = z
  .object({
    activity: z.string(),
    attempt: z.number().int().openapi({ description: 'The attempt under way or next (1 for the first)' }),
    lastFailure: z.string().nullable().openapi({ description: 'The message of the last attempt’s failure' }),
    lastStartedAt: z.string().nullable(),
  })
  .openapi('PendingActivity');

const SagaWorkflowSchema = z
  .object({
    workflowId: z.string(),
    url: z.string().openapi({ description: 'The workflow in the Temporal Web UI' }),
    execution: z
      .string()
      .nullable()
      .openapi({ description: 'RUNNING, COMPLETED, FAILED, TERMINATED, …; null when Temporal could not say' }),
    status: z.string().nullable().openapi({ description: 'The booking status the workflow holds (its BookingStatus search attribute)' }),
    failureCode: z.string().nullable().openapi({ description: 'The failure code the workflow ended with' }),
    pendingActivity: PendingActivitySchema.nullable(),
    error: z.string().nullable().openapi({ description: 'Why Temporal could not be asked, when it could not' }),
  })
  .openapi('SagaWorkflow');

export const AttentionItemSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    eventId: z.uuid(),
    reason: z.enum(ATTENTION_REASONS).openapi({
      description:
        'stalled: open past its hold’s expiry by the bound; needs_operator: ended with COMPENSATION_FAILED or REFUND_FAILED; refunded_while_confirmed: CONFIRMED while its payment is refunded in full',
    }),
    status: z.enum(BOOKING_STATUSES).openapi({ description: 'The status the booking row shows' }),
    since: z.string().openapi({ description: 'When the booking row last moved' }),
    failureCode: z.string().nullable(),
    workflow: SagaWorkflowSchema,
  })
  .openapi('BookingNeedingAttention');

export const attentionRoute = createRoute({
  method: 'get',
  path: '/bookings/attention',
  tags: ['Bookings'],
  summary: 'Bookings that need attention: stuck sagas and sagas that ended needing an operator (admins)',
  description: `Longest waiting first. A booking is stalled when it is still open ${STUCK_AFTER_MS / 60_000} minutes past its hold's expiry (before a hold, past its last transition); the same figures are the \`eventix_sagas_stuck\` gauge and the \`sagas\` warning of \`/ready\`.`,
  ...NEEDS_TOKEN,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonAnswer(pageOf(AttentionItemSchema).openapi('BookingAttentionPage'), 'One page'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export interface AttentionHandlers {
  attention: RouteHandler<typeof attentionRoute, AppEnv>;
}

/** Registered before `/bookings/{id}`, which would otherwise take `attention` for an id. */
export function registerAttentionRoutes(app: ServiceApp, access: BookingsAccess, handlers: AttentionHandlers): void {
  const admin = [...access.signedIn, requireRole('admin') as MiddlewareHandler];
  app.openapi({ ...attentionRoute, middleware: admin }, handlers.attention);
}
