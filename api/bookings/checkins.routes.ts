// The door of an event (/events/{id}/checkins…): scanning tickets in and out, the live counts, the offline pack and
// the upload of offline scans (admins and the event's granted scanners); the scanner grants, signing keys and door
// rules (admins); the public keys that check the event's ticket codes (anyone).
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { allowScanner, authenticate, requireRole } from '../../common/auth/middleware.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  NEEDS_TOKEN,
  PUBLIC,
  TOKEN_PROBLEMS,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { ProblemSchema } from '../../common/http/problem.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { text } from '../../common/http/text.ts';
import { CODE_REFUSALS, STATE_REFUSALS } from '../../domain/bookings/checkins.ts';
import { checkinHandlers, type CheckinRouteDeps } from './checkins.handlers.ts';

export type { CheckinRouteDeps } from './checkins.handlers.ts';

const tags = ['Check-in'];
const adminTags = ['Admin: check-in'];

const EventParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The event' }) });
const ScannerParams = EventParam.extend({
  userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' }, description: 'The scanner account' }),
});
const KeyParams = EventParam.extend({
  kid: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/, 'must be a key id from GET /events/{id}/checkins/keys')
    .openapi({ param: { name: 'kid', in: 'path' }, description: 'A key id' }),
});

const DIRECTIONS = ['in', 'out'] as const;
const Gate = text({ min: 1, max: 64, trim: true }).openapi({ example: 'North 2', description: 'The gate (or door) scanned at' });
const Device = text({ min: 1, max: 64, trim: true }).openapi({ example: 'scanner-07', description: 'The scanning device' });
const ScanId = text({ min: 1, max: 100 }).openapi({
  description:
    'The device’s own id of the scan, per event: the same id again from the same device at the same event is applied once and answers the first outcome (at another event it is another scan)',
});

export const CheckinBodySchema = z
  .object({
    code: text({ min: 1, max: 2048, trim: true }).openapi({ description: 'The scanned barcode: a print code, or the app’s rotating code' }),
    gate: Gate,
    device: Device,
    direction: z.enum(DIRECTIONS).default('in').openapi({ description: '`out` records an exit (only where the event allows re-entry)' }),
    scanId: ScanId.optional(),
  })
  .openapi('CheckinScan');

const ScannedTicketSchema = z
  .object({ id: z.uuid(), seatLabel: z.string(), section: z.string(), holderName: z.string() })
  .openapi('ScannedTicket');

export const CheckinAnswerSchema = z
  .object({
    result: z.enum(['ADMITTED', 'EXITED']),
    ticket: ScannedTicketSchema,
    gate: z.string(),
    at: z.iso.datetime().openapi({ description: 'When the scan was made' }),
    repeated: z.boolean().openapi({ description: 'The scan id was seen before: this is the first outcome, nothing changed now' }),
  })
  .openapi('CheckinAdmission');

export const CheckinRefusalSchema = ProblemSchema.extend({
  ticketId: z.uuid().nullable().optional().openapi({ description: 'The ticket the code named, when it names one of ours' }),
  usedAt: z.iso.datetime().optional().openapi({ description: 'With TICKET_ALREADY_USED: when the ticket was admitted' }),
  usedGate: z.string().optional().openapi({ description: 'With TICKET_ALREADY_USED: the gate that admitted it' }),
  repeated: z.boolean().optional().openapi({ description: 'The scan id was seen before: this is the first outcome' }),
}).openapi('CheckinRefusal');

const refusalAnswer = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: CheckinRefusalSchema } },
});

const DOOR_PROBLEMS = {
  ...TOKEN_PROBLEMS,
  403: problemAnswer(
    'The caller may not scan at this event: a customer (FORBIDDEN), or a scanner without a grant for it (SCANNER_NOT_GRANTED)',
  ),
};

export const checkinRoute = createRoute({
  method: 'post',
  path: '/events/{id}/checkins',
  tags,
  summary: 'Scan a ticket at the door (admins and the event’s scanners)',
  description:
    'Checks the code against the event’s keys, then the ticket: an admission is one atomic change, so of any number of gates scanning one ticket at once exactly one admits it. Every scan, admitted or refused, is recorded. With `direction: out` an admitted ticket leaves and may come back in, where the event’s door rules allow re-entry. A code past the expiry it was printed with still admits while the event, as the catalog knows it now, has not ended (its end, or a day after its start when no end is known): a postponed event keeps its printed tickets. A code is on time from a minute before its start of validity (clock drift).',
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(CheckinBodySchema) },
  responses: {
    200: jsonAnswer(CheckinAnswerSchema, 'Admitted (or, for an exit, let out)'),
    409: refusalAnswer(
      `Refused by the ticket’s state: ${STATE_REFUSALS.join(', ')} (TICKET_ALREADY_USED names usedAt and usedGate; TICKET_VOID also answers a code superseded by a transfer)`,
    ),
    422: refusalAnswer(`Refused code: ${CODE_REFUSALS.join(', ')}; or an invalid request (VALIDATION_FAILED, with the offending fields)`),
    ...DOOR_PROBLEMS,
  },
});

const GateCountSchema = z.object({ gate: z.string(), admitted: z.number().int(), refused: z.number().int() });
export const CheckinSummarySchema = z
  .object({
    eventId: z.uuid(),
    tickets: z.object({ issued: z.number().int(), valid: z.number().int(), used: z.number().int(), void: z.number().int() }),
    inside: z.number().int().openapi({ description: 'Tickets admitted and not let out since' }),
    scans: z.number().int().openapi({ description: 'Every scan recorded, admitted or refused, online or offline' }),
    byGate: z.array(GateCountSchema),
    lastScanAt: z.iso.datetime().nullable(),
  })
  .openapi('CheckinSummary');

export const summaryRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/summary',
  tags,
  summary: 'The door counts of an event (admins and the event’s scanners)',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(CheckinSummarySchema, 'The counts now'), ...DOOR_PROBLEMS, ...BAD_INPUT },
});

export const summaryStreamRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/summary/stream',
  tags,
  summary: 'The door counts, live (server-sent events)',
  description:
    'A `summary` message at once (the same body as GET …/summary), then one whenever the counts change: at once for scans made on this instance, within seconds for those of other instances. Comment lines keep an idle stream open.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...DOOR_PROBLEMS,
    ...BAD_INPUT,
  },
});

const JwkSchema = z.looseObject({ kty: z.string(), kid: z.string(), crv: z.string().optional(), x: z.string().optional() });
const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('TicketKeySet');
const DoorPolicySchema = z
  .object({
    printCodesAccepted: z.boolean().openapi({ description: 'Whether a printed (PDF) code is accepted, or only the app’s rotating code' }),
    reentryAllowed: z.boolean().openapi({ description: 'Whether an exit scan lets a ticket come back in' }),
    transferCutoffMinutes: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .openapi({ description: 'Minutes before the start after which tickets can no longer be transferred' }),
  })
  .openapi('DoorPolicyInput');
const DoorPolicyAnswerSchema = DoorPolicySchema.extend({
  eventId: z.uuid(),
  updatedAt: z.iso.datetime().nullable().openapi({ description: 'Null while the event has the default rules' }),
}).openapi('DoorPolicy');

export const OfflinePackSchema = z
  .object({
    pack: z.string().openapi({ description: 'The pack below as a compact JWS (typ evx-offline-pack) signed with the event’s ticket key' }),
    eventId: z.uuid(),
    generatedAt: z.iso.datetime(),
    keys: JwksSchema,
    rotationSecrets: z
      .array(z.object({ kid: z.string(), secret: z.string() }))
      .openapi({ description: 'Per key: the secret the app’s rotating codes derive from (so they verify offline)' }),
    policy: DoorPolicySchema,
    void: z.array(z.uuid()).openapi({ description: 'Tickets void when the pack was made' }),
    generations: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'Per transferred ticket: its current generation (codes of an earlier one are void)' }),
  })
  .openapi('OfflinePack');

export const offlinePackRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/offline-pack',
  tags,
  summary: 'What a scanner needs to check tickets without the network (admins and the event’s scanners)',
  description:
    'The pack is a door credential: its rotation secrets let whoever holds it compute any ticket’s live code. Keep it on the scanning devices only, and fetch a new one before each session (tickets voided or transferred later are only known to a newer pack). Offline scans are uploaded with POST …/sync.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(OfflinePackSchema, 'The signed pack, and its content'), ...DOOR_PROBLEMS, ...BAD_INPUT },
});

/** An offline scan is uploaded later, but not much later: a device's clock may run ahead a little, never further. */
export const OFFLINE_SCAN_MAX_AGE_MS = 30 * 24 * 60 * 60_000;
export const OFFLINE_SCAN_MAX_AHEAD_MS = 5 * 60_000;

const ScannedAt = z.iso
  .datetime({ offset: true })
  .superRefine((value, ctx) => {
    const at = Date.parse(value);
    const now = Date.now();
    // PostgreSQL refuses some instants the format allows (the year 0); the clock bounds below keep to recent ones anyway.
    if (!(at >= Date.UTC(1900, 0, 1) && at < Date.UTC(10_000, 0, 1))) {
      ctx.addIssue({ code: 'custom', message: 'must be between 1900-01-01 and 9999-12-31 (UTC)' });
    } else if (at > now + OFFLINE_SCAN_MAX_AHEAD_MS) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not be more than 5 minutes ahead of the server’s clock (is the device’s clock right?)',
      });
    } else if (at < now - OFFLINE_SCAN_MAX_AGE_MS) {
      ctx.addIssue({ code: 'custom', message: 'must be within the last 30 days: older offline scans are not accepted' });
    }
  })
  .openapi({
    example: '2027-03-01T19:42:10Z',
    description: 'When the device scanned it (the device’s clock): within the last 30 days, at most 5 minutes ahead of the server’s clock',
  });

const OfflineScanSchema = z.object({
  scanId: ScanId,
  code: text({ min: 0, max: 8192, kind: 'opaque' }).openapi({
    description: 'What was scanned, as read (anything that is no ticket code is stored as TICKET_MALFORMED)',
  }),
  gate: Gate,
  direction: z.enum(DIRECTIONS).default('in'),
  scannedAt: ScannedAt,
});
export const SyncBodySchema = z.object({ device: Device, scans: z.array(OfflineScanSchema).min(1).max(1000) }).openapi('OfflineScanUpload');

const SyncResultSchema = z.object({
  scanId: z.string(),
  result: z.string().openapi({ description: 'ADMITTED, EXITED, or the refusal code a scan would have answered online' }),
  ticketId: z.uuid().nullable(),
  gate: z.string(),
  at: z.iso.datetime(),
  repeated: z.boolean().openapi({ description: 'Uploaded before: the stored outcome, nothing changed' }),
});
const ConflictSchema = z
  .object({
    ticketId: z.uuid(),
    admitted: z.object({ gate: z.string(), at: z.iso.datetime() }).nullable().openapi({ description: 'The admission that won' }),
    refused: z.array(z.object({ scanId: z.string(), gate: z.string(), at: z.iso.datetime() })),
  })
  .openapi('CheckinConflict');
export const SyncAnswerSchema = z
  .object({
    eventId: z.uuid(),
    device: z.string(),
    applied: z.number().int().openapi({ description: 'Scans recorded by this upload' }),
    repeated: z.number().int().openapi({ description: 'Scans uploaded before, left as they were' }),
    results: z.array(SyncResultSchema).openapi({ description: 'One per scan, in the order they were applied (scannedAt)' }),
    conflicts: z.array(ConflictSchema).openapi({ description: 'Tickets scanned in at more than one gate: the earliest admitted' }),
  })
  .openapi('OfflineScanReport');

export const syncRoute = createRoute({
  method: 'post',
  path: '/events/{id}/checkins/sync',
  tags,
  summary: 'Upload the scans an offline scanner made (admins and the event’s scanners)',
  description:
    'Each scan is applied in the order it was made (scannedAt) and judged at that time, and recorded as an offline scan, whatever it answers. Uploading again is harmless: a (device, scanId) seen before at this event keeps its stored outcome. A ticket admitted at two gates while offline is admitted by the earlier scan; the later ones are stored as TICKET_ALREADY_USED and listed in `conflicts`. A scannedAt more than 5 minutes ahead of the server’s clock or older than 30 days refuses the whole upload (VALIDATION_FAILED naming the scan’s field), nothing recorded.',
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(SyncBodySchema) },
  responses: {
    200: jsonAnswer(SyncAnswerSchema, 'Every scan’s outcome'),
    ...DOOR_PROBLEMS,
    ...BAD_INPUT,
  },
});

const ScannerGrantSchema = z
  .object({ eventId: z.uuid(), userId: z.uuid(), grantedBy: z.uuid(), grantedAt: z.iso.datetime() })
  .openapi('ScannerGrant');

export const grantScannerRoute = createRoute({
  method: 'put',
  path: '/events/{id}/checkins/scanners/{userId}',
  tags: adminTags,
  summary: 'Let a scanner account scan at this event (admins)',
  description:
    'The account needs the `scanner` role too (PUT /users/{id}/role); granting again keeps the first grant. Admins scan at every event without a grant.',
  ...NEEDS_TOKEN,
  request: { params: ScannerParams },
  responses: { 200: jsonAnswer(ScannerGrantSchema, 'The grant'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const revokeScannerRoute = createRoute({
  method: 'delete',
  path: '/events/{id}/checkins/scanners/{userId}',
  tags: adminTags,
  summary: 'Stop a scanner account scanning at this event (admins)',
  ...NEEDS_TOKEN,
  request: { params: ScannerParams },
  responses: {
    204: { description: 'The grant is gone: the account’s next scan here is refused' },
    404: problemAnswer('The account has no grant for this event (SCANNER_GRANT_NOT_FOUND)'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const listScannersRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/scanners',
  tags: adminTags,
  summary: 'The scanner accounts granted for this event (admins)',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    200: jsonAnswer(z.object({ items: z.array(ScannerGrantSchema) }).openapi('ScannerGrantList'), 'Oldest grant first'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const keysRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/keys',
  tags,
  summary: 'The public keys that check this event’s ticket codes (JWKS)',
  description: 'Every key not retired, newest first (the newest signs). An event that never issued a ticket has none.',
  ...PUBLIC,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(JwksSchema, 'The key set'), ...BAD_INPUT },
});

export const rotateKeyRoute = createRoute({
  method: 'post',
  path: '/events/{id}/checkins/keys',
  tags: adminTags,
  summary: 'Make a new signing key for the event (admins)',
  description: 'The new key signs from now on; the older ones keep verifying the codes already sent until retired.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    201: jsonAnswer(z.object({ kid: z.string() }).openapi('NewTicketKey'), 'The new key’s id'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const retireKeyRoute = createRoute({
  method: 'delete',
  path: '/events/{id}/checkins/keys/{kid}',
  tags: adminTags,
  summary: 'Retire a signing key of the event (admins)',
  description:
    'Every code the key signed stops verifying at once (a leaked key): their holders need their tickets again, which are signed with the newest key left (a new one is made when none is).',
  ...NEEDS_TOKEN,
  request: { params: KeyParams },
  responses: {
    204: { description: 'Retired' },
    404: problemAnswer('No key of this event with this id that is not retired already (TICKET_KEY_NOT_FOUND)'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const policyRoute = createRoute({
  method: 'get',
  path: '/events/{id}/checkins/policy',
  tags: adminTags,
  summary: 'The door rules of the event (admins)',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(DoorPolicyAnswerSchema, 'The rules (the defaults until set)'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const putPolicyRoute = createRoute({
  method: 'put',
  path: '/events/{id}/checkins/policy',
  tags: adminTags,
  summary: 'Set the door rules of the event (admins)',
  description: 'They apply to the next scan; an offline pack already fetched keeps the rules it was made with.',
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(DoorPolicySchema) },
  responses: { 200: jsonAnswer(DoorPolicyAnswerSchema, 'The rules now'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export interface CheckinHandlers {
  checkin: RouteHandler<typeof checkinRoute, AppEnv>;
  summary: RouteHandler<typeof summaryRoute, AppEnv>;
  summaryStream: RouteHandler<typeof summaryStreamRoute, AppEnv>;
  offlinePack: RouteHandler<typeof offlinePackRoute, AppEnv>;
  sync: RouteHandler<typeof syncRoute, AppEnv>;
  grantScanner: RouteHandler<typeof grantScannerRoute, AppEnv>;
  revokeScanner: RouteHandler<typeof revokeScannerRoute, AppEnv>;
  listScanners: RouteHandler<typeof listScannersRoute, AppEnv>;
  keys: RouteHandler<typeof keysRoute, AppEnv>;
  rotateKey: RouteHandler<typeof rotateKeyRoute, AppEnv>;
  retireKey: RouteHandler<typeof retireKeyRoute, AppEnv>;
  policy: RouteHandler<typeof policyRoute, AppEnv>;
  putPolicy: RouteHandler<typeof putPolicyRoute, AppEnv>;
}

export interface CheckinAccess {
  /** Admins and scanner tokens (the handler checks the scanner's grant for the event). */
  door: MiddlewareHandler[];
  admin: MiddlewareHandler[];
}

export function checkinAccess(verifier: TokenVerifier): CheckinAccess {
  return {
    // The only routes a scanner token may call: allowScanner goes before authenticate, which refuses it elsewhere.
    door: [allowScanner, authenticate(verifier)] as MiddlewareHandler[],
    admin: [authenticate(verifier), requireRole('admin')] as MiddlewareHandler[],
  };
}

/** The check-in routes of the bookings service, with their handlers. */
export function registerCheckinRoutes(app: ServiceApp, deps: CheckinRouteDeps): void {
  const access = checkinAccess(deps.verifier);
  const handlers = checkinHandlers(deps);
  app.openapi({ ...checkinRoute, middleware: access.door }, handlers.checkin);
  app.openapi({ ...summaryStreamRoute, middleware: access.door }, handlers.summaryStream);
  app.openapi({ ...summaryRoute, middleware: access.door }, handlers.summary);
  app.openapi({ ...offlinePackRoute, middleware: access.door }, handlers.offlinePack);
  app.openapi({ ...syncRoute, middleware: access.door }, handlers.sync);
  app.openapi({ ...listScannersRoute, middleware: access.admin }, handlers.listScanners);
  app.openapi({ ...grantScannerRoute, middleware: access.admin }, handlers.grantScanner);
  app.openapi({ ...revokeScannerRoute, middleware: access.admin }, handlers.revokeScanner);
  app.openapi(keysRoute, handlers.keys);
  app.openapi({ ...rotateKeyRoute, middleware: access.admin }, handlers.rotateKey);
  app.openapi({ ...retireKeyRoute, middleware: access.admin }, handlers.retireKey);
  app.openapi({ ...policyRoute, middleware: access.admin }, handlers.policy);
  app.openapi({ ...putPolicyRoute, middleware: access.admin }, handlers.putPolicy);
}
