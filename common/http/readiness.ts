// Readiness checks: each dependency probed with a deadline, reported by name with its latency or error.
import { z } from '@hono/zod-openapi';

export interface ReadinessCheck {
  name: string;
  /** Throws when the dependency is unusable; may answer figures worth showing (an outbox backlog). */
  check: (signal: AbortSignal) => Promise<void | Record<string, number | string | null>>;
}

export const CheckResultSchema = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
  details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
});

export const ReadinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), CheckResultSchema),
  })
  .openapi('Readiness');

export interface CheckResult {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: string;
  details?: Record<string, number | string | null>;
}

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export async function runReadiness(checks: ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      const started = performance.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      try {
        const details = await Promise.race([
          check(controller.signal),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              controller.abort();
              reject(new Error(`no answer within ${timeoutMs} ms`));
            }, timeoutMs);
          }),
        ]);
        return [
          name,
          { status: 'ok' as const, latencyMs: Math.round(performance.now() - started), ...(details ? { details } : {}) },
        ] as const;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [name, { status: 'down' as const, latencyMs: Math.round(performance.now() - started), error }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const status = results.every(([, r]) => r.status === 'ok') ? 'ok' : 'unavailable';
  const report: Record<string, CheckResult> = {};
  for (const [name, result] of results) report[name] = result;
  return { status, checks: report };
}
