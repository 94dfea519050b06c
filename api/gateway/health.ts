// The gateway's view of the platform: every instance's /ready, and PostgreSQL, RabbitMQ and Temporal as the services see them.
import { SERVICE_NAMES, type ServiceName } from '../../common/config.ts';
import type { Readiness } from '../../common/http/readiness.ts';
import type { UpstreamPool } from '../../common/http/upstream-pool.ts';

type Status = 'ok' | 'down';

export interface InstanceHealth {
  url: string;
  status: Status;
  checks?: Readiness['checks'];
  error?: string;
}

export interface PlatformHealth {
  status: 'ok' | 'degraded';
  services: Record<ServiceName, { status: Status; instances: InstanceHealth[] }>;
  infrastructure: Record<'postgres' | 'rabbitmq' | 'temporal', { status: Status | 'unknown'; detail?: string }>;
}

const INFRA_CHECKS = { postgres: 'database', rabbitmq: 'rabbitmq', temporal: 'temporal' } as const;

async function probe(url: string, timeoutMs: number, doFetch: typeof fetch): Promise<InstanceHealth> {
  try {
    const res = await doFetch(`${url}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as Readiness;
    return { url, status: res.ok && body.status === 'ok' ? 'ok' : 'down', checks: body.checks };
  } catch (err) {
    return { url, status: 'down', error: (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message };
  }
}

export async function platformHealth(
  pools: Record<ServiceName, UpstreamPool>,
  timeoutMs: number,
  doFetch: typeof fetch = fetch,
): Promise<PlatformHealth> {
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const instances = await Promise.all(pools[service].urls().map((url) => probe(url, timeoutMs, doFetch)));
      const status: Status = instances.some((i) => i.status === 'ok') ? 'ok' : 'down';
      return [service, { status, instances }] as const;
    }),
  );
  const services = Object.fromEntries(entries) as PlatformHealth['services'];
  const answered = Object.values(services).flatMap((s) => s.instances.filter((i) => i.checks));
  const infrastructure = Object.fromEntries(
    Object.entries(INFRA_CHECKS).map(([piece, check]) => {
      if (answered.length === 0) return [piece, { status: 'unknown', detail: 'no service answered' }];
      const failing = answered.filter((i) => i.checks?.[check]?.status !== 'ok');
      if (failing.length === 0) return [piece, { status: 'ok' }];
      return [piece, { status: 'down', detail: failing.map((i) => `${i.url}: ${i.checks?.[check]?.error ?? 'down'}`).join('; ') }];
    }),
  ) as PlatformHealth['infrastructure'];
  const allOk = Object.values(services).every((s) => s.status === 'ok') && Object.values(infrastructure).every((i) => i.status === 'ok');
  return { status: allOk ? 'ok' : 'degraded', services, infrastructure };
}
