// The check-in routes' handlers: who may use an event's door, the scan and its answer (a refusal is a problem+json
// naming why, with the admission that used the ticket), the counts and their live stream, the offline pack and upload,
// and the admin's grants, keys and rules.
import type { Context } from 'hono';
import type { JWK } from 'jose';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { principalOf } from '../../common/auth/middleware.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import type { Orm } from '../../common/db/orm.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { problemBody } from '../../common/http/problem.ts';
import {
  checkinSummary,
  isStateRefusal,
  offlinePack,
  recordScan,
  scanNotifier,
  syncOfflineScans,
  type CheckinSummary,
  type ScanEffects,
  type ScanNotifier,
  type ScanOutcome,
} from '../../domain/bookings/checkins.ts';
import { assertMayScan, doorRules, grantScanner, listScanners, revokeScanner, setDoorRules } from '../../domain/bookings/door.ts';
import { publicKeySet } from '../../domain/bookings/ticket-codes.ts';
import { retireKey, rotateKey, verifyingKeys } from '../../domain/bookings/ticket-keys.ts';
import type { CheckinHandlers } from './checkins.routes.ts';

export interface CheckinRouteDeps {
  orm: Orm;
  verifier: TokenVerifier;
  /** The summary streams of this instance hear of its scans at once; made here when not given. */
  notifier?: ScanNotifier;
  /** Wakes the outbox relay after a scan wrote its fact (else the relay's own polling sends it). */
  published?: () => void;
  /** How often a summary stream reads the counts again, for the scans of other instances. */
  summaryRefreshMs?: number;
}

/** A comment this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
/** Scans made on other instances show in a stream within this. */
const SUMMARY_REFRESH_MS = 5_000;

export function checkinHandlers(deps: CheckinRouteDeps): CheckinHandlers {
  const em = () => deps.orm.em.fork();
  const notifier = deps.notifier ?? scanNotifier();
  const effects: ScanEffects = { notifier, published: deps.published };
  const refreshMs = deps.summaryRefreshMs ?? SUMMARY_REFRESH_MS;
  /** The caller may use this event's door: an admin, or a scanner granted for it. */
  const door = async (c: Context, eventId: string) => {
    const principal = principalOf(c);
    await assertMayScan(em(), principal, eventId);
    return principal;
  };
  return {
    checkin: async (c) => {
      const eventId = c.req.valid('param').id;
      const principal = await door(c, eventId);
      const body = c.req.valid('json');
      const outcome = await recordScan(
        deps.orm,
        {
          eventId,
          code: body.code,
          gate: body.gate,
          device: body.device,
          direction: body.direction,
          scanId: body.scanId,
          scannedBy: principal.userId,
          scannedAt: new Date(),
          offline: false,
        },
        undefined,
        effects,
      );
      if (outcome.admitted && outcome.ticket) {
        const result = outcome.result === 'EXITED' ? ('EXITED' as const) : ('ADMITTED' as const);
        return c.json(
          { result, ticket: outcome.ticket, gate: outcome.gate, at: outcome.at.toISOString(), repeated: outcome.repeated },
          200,
        );
      }
      const status = isStateRefusal(outcome.result) ? 409 : 422;
      return c.json(refusalBody(c, status, outcome), status, { 'content-type': 'application/problem+json' });
    },
    summary: async (c) => {
      const eventId = c.req.valid('param').id;
      await door(c, eventId);
      return c.json(summaryBody(await checkinSummary(em(), eventId)), 200);
    },
    summaryStream: async (c) => {
      const eventId = c.req.valid('param').id;
      await door(c, eventId);
      return streamSSE(c, (stream) => relaySummary(stream, () => checkinSummary(em(), eventId), notifier, eventId, refreshMs));
    },
    offlinePack: async (c) => {
      const eventId = c.req.valid('param').id;
      await door(c, eventId);
      const { pack, jws } = await offlinePack(em(), eventId);
      return c.json({ pack: jws, ...pack, keys: jwksBody(pack.keys), generatedAt: pack.generatedAt.toISOString() }, 200);
    },
    sync: async (c) => {
      const eventId = c.req.valid('param').id;
      const principal = await door(c, eventId);
      const body = c.req.valid('json');
      const report = await syncOfflineScans(
        deps.orm,
        {
          eventId,
          device: body.device,
          scannedBy: principal.userId,
          scans: body.scans.map((s) => ({ ...s, scannedAt: new Date(s.scannedAt) })),
        },
        effects,
      );
      const repeated = report.results.filter((r) => r.repeated).length;
      return c.json(
        {
          eventId,
          device: body.device,
          applied: report.results.length - repeated,
          repeated,
          results: report.results.map((r) => ({
            scanId: r.scanId,
            result: r.result,
            ticketId: r.ticketId,
            gate: r.gate,
            at: r.at.toISOString(),
            repeated: r.repeated,
          })),
          conflicts: report.conflicts.map((conflict) => ({
            ticketId: conflict.ticketId,
            admitted: conflict.admitted && { gate: conflict.admitted.gate, at: conflict.admitted.at.toISOString() },
            refused: conflict.refused.map((r) => ({ ...r, at: r.at.toISOString() })),
          })),
        },
        200,
      );
    },
    grantScanner: async (c) => {
      const { id: eventId, userId } = c.req.valid('param');
      const grant = await grantScanner(em(), eventId, userId, principalOf(c).userId);
      return c.json({ eventId, ...grant, grantedAt: grant.grantedAt.toISOString() }, 200);
    },
    revokeScanner: async (c) => {
      const { id: eventId, userId } = c.req.valid('param');
      await revokeScanner(em(), eventId, userId);
      return c.body(null, 204);
    },
    listScanners: async (c) => {
      const eventId = c.req.valid('param').id;
      const grants = await listScanners(em(), eventId);
      return c.json({ items: grants.map((g) => ({ eventId, ...g, grantedAt: g.grantedAt.toISOString() })) }, 200);
    },
    keys: async (c) => c.json(jwksBody(publicKeySet(await verifyingKeys(em(), c.req.valid('param').id))), 200),
    rotateKey: async (c) => c.json({ kid: (await rotateKey(em(), c.req.valid('param').id)).kid }, 201),
    retireKey: async (c) => {
      const { id: eventId, kid } = c.req.valid('param');
      if (!(await retireKey(em(), eventId, kid))) {
        throw new DomainError('not_found', 'TICKET_KEY_NOT_FOUND', 'This event has no key with this id that is not retired already.');
      }
      return c.body(null, 204);
    },
    policy: async (c) => {
      const eventId = c.req.valid('param').id;
      const rules = await doorRules(em(), eventId);
      return c.json({ eventId, ...rules, updatedAt: rules.updatedAt?.toISOString() ?? null }, 200);
    },
    putPolicy: async (c) => {
      const eventId = c.req.valid('param').id;
      const rules = await setDoorRules(em(), eventId, c.req.valid('json'));
      return c.json({ eventId, ...rules, updatedAt: rules.updatedAt.toISOString() }, 200);
    },
  };
}

/** A refused scan as problem+json: its code and message, the ticket it named, and for a used ticket its admission. */
function refusalBody(c: Context, status: 409 | 422, outcome: ScanOutcome) {
  const requestId = c.get('requestId' as never) as string | undefined;
  return {
    ...problemBody(status, outcome.result, outcome.message, { instance: c.req.path, ...(requestId ? { requestId } : {}) }),
    ticketId: outcome.ticketId,
    ...(outcome.usedAt ? { usedAt: outcome.usedAt.toISOString(), usedGate: outcome.usedGate ?? '' } : {}),
    repeated: outcome.repeated,
  };
}

/** Public keys as the answer declares them (the key set only ever holds Ed25519 public halves, each with its kid). */
function jwksBody(set: { keys: JWK[] }): { keys: PublicJwk[] } {
  return { keys: set.keys.map((k) => ({ kty: k.kty ?? 'OKP', kid: k.kid ?? '', crv: k.crv, x: k.x, alg: k.alg, use: k.use })) };
}

interface PublicJwk {
  kty: string;
  kid: string;
  crv?: string;
  x?: string;
  alg?: string;
  use?: string;
}

function summaryBody(summary: CheckinSummary) {
  return { ...summary, lastScanAt: summary.lastScanAt?.toISOString() ?? null };
}

/**
 * The counts at once, then again whenever a scan on this instance is recorded, and every `refreshMs` for those of
 * other instances (sent only when they changed). Notifications arriving during a read are folded into one more read.
 */
async function relaySummary(
  stream: SSEStreamingApi,
  read: () => Promise<CheckinSummary>,
  notifier: ScanNotifier,
  eventId: string,
  refreshMs: number,
): Promise<void> {
  let id = 0;
  let sent = '';
  let dirty = true;
  let readAt = 0;
  let wroteAt = Date.now();
  let wake: (() => void) | undefined;
  const unsubscribe = notifier.subscribe(eventId, () => {
    dirty = true;
    wake?.();
  });
  stream.onAbort(() => {
    unsubscribe();
    wake?.();
  });
  try {
    while (!stream.aborted && !stream.closed) {
      if (dirty || Date.now() - readAt >= refreshMs) {
        dirty = false;
        readAt = Date.now();
        const data = JSON.stringify(summaryBody(await read()));
        if (data !== sent) {
          sent = data;
          wroteAt = Date.now();
          await stream.writeSSE({ id: String(++id), event: 'summary', data });
        }
      }
      if (dirty) continue;
      const until = Math.min(readAt + refreshMs, wroteAt + KEEP_ALIVE_MS) - Date.now();
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, Math.max(until, 0));
      });
      clearTimeout(timer);
      wake = undefined;
      if (!dirty && !stream.aborted && Date.now() - wroteAt >= KEEP_ALIVE_MS) {
        wroteAt = Date.now();
        await stream.write(': keep-alive\n\n');
      }
    }
  } finally {
    unsubscribe();
  }
}
