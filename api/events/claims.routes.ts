// /internal/holds: the bookings service claims a booking's seats here before it starts the booking's saga, so a request
// that loses costs one call and no saga, and gives a claim back when the saga could not start. Answered only to
// platform processes (the platform secret), declared with every answer.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { BAD_INPUT, IdParamSchema, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { EVENT_NOT_FOUND } from './problems.ts';

const tags = ['Internal'];
/** The platform secret the gateway and the services send; these routes answer no one else. */
const PLATFORM_SECRET = 'platformSecret';
const NEEDS_PLATFORM_SECRET = { security: [{ [PLATFORM_SECRET]: [] }] };
const NOT_A_PLATFORM_PROCESS = { 403: problemAnswer('Not a platform process (FORBIDDEN)') };

/** How far ahead a claim may be held: no booking's hold lasts longer. */
export const LONGEST_CLAIM_MS = 86_400_000;

const SelectionSchema = z
  .union([
    z.object({ seatIds: z.array(z.uuid()).min(1).max(50).openapi({ description: 'These seats, all or none' }) }),
    z.object({
      sectionId: z.uuid().openapi({ description: 'The best available seats in this section' }),
      quantity: z.number().int().min(1).max(50),
    }),
  ])
  .openapi('SeatClaimSelection');

export const SeatClaimRequestSchema = z
  .object({
    holdId: z.uuid().openapi({ description: 'The booking id: the saga holds (or adopts) the seats under the same id' }),
    eventId: z.uuid(),
    customerId: z.uuid(),
    selection: SelectionSchema,
    until: z.iso
      .datetime({ offset: true })
      .refine((value) => {
        const at = Date.parse(value);
        return at > Date.now() && at <= Date.now() + LONGEST_CLAIM_MS;
      }, 'must be in the future, and at most a day ahead')
      .openapi({ description: 'The hold lapses then, unless the saga moves it on for a payment in flight' }),
  })
  .openapi('SeatClaimRequest');

const HeldSeatSchema = z.object({
  seatId: z.uuid(),
  label: z.string().openapi({ example: 'Orchestra A-12' }),
  section: z.string(),
  priceMinor: z.number().int(),
  currency: z.string().openapi({ example: 'EUR' }),
});

export const SeatClaimSchema = z
  .object({
    holdId: z.uuid(),
    eventId: z.uuid(),
    expiresAt: z.string().openapi({ description: 'ISO instant the seats lapse unless paid for' }),
    seats: z.array(HeldSeatSchema),
    totalMinor: z.number().int(),
    currency: z.string(),
  })
  .openapi('SeatClaim');

export const ClaimReleaseSchema = z
  .object({ holdId: z.uuid(), released: z.number().int().openapi({ description: 'Seats freed by this call (0 on a repeat)' }) })
  .openapi('SeatClaimRelease');

export const claimRoute = createRoute({
  method: 'post',
  path: '/internal/holds',
  tags,
  summary: 'Claim seats for a booking before its saga starts (for the bookings service)',
  description:
    'Holds the seats (named, or the best available in a section) for the hold id until `until`, all or none, and answers the hold. ' +
    'A repeat with the same hold id answers the first hold and changes nothing; a hold id already released answers HOLD_RELEASED. ' +
    'Refusals carry the codes the booking saga gives for the same hold. Answers only requests that carry the platform secret (X-Eventix-Gateway).',
  ...NEEDS_PLATFORM_SECRET,
  request: { body: jsonBody(SeatClaimRequestSchema) },
  responses: {
    200: jsonAnswer(SeatClaimSchema, 'The seats held under this hold id'),
    ...NOT_A_PLATFORM_PROCESS,
    ...EVENT_NOT_FOUND,
    409: problemAnswer(
      'Seats taken (SEATS_UNAVAILABLE, naming them in `errors`), sales closed (EVENT_NOT_ON_SALE), too many seats held by the customer ' +
        '(HOLD_LIMIT_EXCEEDED), or this hold id was released already (HOLD_RELEASED)',
    ),
    422: problemAnswer(
      'Seats that are not for sale at this event (SEAT_NOT_FOUND, naming them), or a request that is not valid (VALIDATION_FAILED)',
    ),
  },
});

export const releaseClaimRoute = createRoute({
  method: 'post',
  path: '/internal/holds/{id}/release',
  tags,
  summary: 'Give back the seats of a claim whose saga could not start (for the bookings service)',
  description:
    'Frees the seats still held under this hold id; a hold id never used is recorded as released, so a claim still in flight for it ' +
    'claims nothing. A repeat frees nothing more. Answers only requests that carry the platform secret (X-Eventix-Gateway).',
  ...NEEDS_PLATFORM_SECRET,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(ClaimReleaseSchema, 'The hold is released'),
    ...NOT_A_PLATFORM_PROCESS,
    ...BAD_INPUT,
  },
});

export interface ClaimHandlers {
  /** Refuses a caller without the platform secret before its request is read at all. */
  platformOnly: MiddlewareHandler<AppEnv>;
  claim: RouteHandler<typeof claimRoute, AppEnv>;
  release: RouteHandler<typeof releaseClaimRoute, AppEnv>;
}

export function registerClaimRoutes(app: ServiceApp, handlers: ClaimHandlers): void {
  app.openAPIRegistry.registerComponent('securitySchemes', PLATFORM_SECRET, {
    type: 'apiKey',
    in: 'header',
    name: GATEWAY_PROOF_HEADER,
    description: 'The secret shared by the gateway and the services (GATEWAY_SECRET).',
  });
  app.use('/internal/holds', handlers.platformOnly);
  app.use('/internal/holds/*', handlers.platformOnly);
  app.openapi(claimRoute, handlers.claim);
  app.openapi(releaseClaimRoute, handlers.release);
}
