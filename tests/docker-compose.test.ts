import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeSchemaErrors, loadCompose, type ComposeFile } from './support/compose.ts';

const COMPOSE_FILE = fileURLToPath(new URL('../docker-compose.yml', import.meta.url));
const APP_PROCESSES = ['gateway', 'users', 'events', 'bookings', 'payments'];
const compose = loadCompose(COMPOSE_FILE);
const envOf = (name: string) => compose.services[name]?.environment ?? {};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it('is refused by the same check when it names a key or a condition Compose does not know', () => {
    const broken: ComposeFile = structuredClone(compose);
    broken.services.gateway!.depends_on = { users: { condition: 'service_ready' } };
    broken.services.users!.portz = ['8000:8000'];
    const errors = composeSchemaErrors(broken);
    expect(errors).toContain('/services/users must NOT have additional properties');
    expect(errors).toContain('/services/gateway/depends_on/users/condition must be equal to one of the allowed values');
  });

  it('runs the gateway, the four services, their four databases and the infrastructure', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        ...APP_PROCESSES,
        'users-db',
        'events-db',
        'bookings-db',
        'payments-db',
        'rabbitmq',
        'temporal',
        'temporal-db',
        'temporal-ui',
        'mail',
        'prometheus',
        'grafana',
        'jaeger',
      ]),
    );
  });

  it('starts each application service with its own process from the one image', () => {
    for (const process of APP_PROCESSES) {
      expect(compose.services[process]!.command).toEqual(['node', 'main.ts', process]);
      expect(compose.services[process]!.image).toBe('eventix:local');
    }
  });

  it('gives every application process the same gateway secret and the users service for token keys', () => {
    const secrets = APP_PROCESSES.map((p) => envOf(p).GATEWAY_SECRET);
    expect(new Set(secrets).size).toBe(1);
    expect(String(secrets[0]).length).toBeGreaterThanOrEqual(32);
    for (const process of APP_PROCESSES) expect(envOf(process).USERS_URLS).toBe('http://users:8000');
  });

  it('takes the gateway secret from the environment when one is given', () => {
    const given = loadCompose(COMPOSE_FILE, { GATEWAY_SECRET: 'x'.repeat(40) });
    for (const process of APP_PROCESSES) expect(given.services[process]!.environment!.GATEWAY_SECRET).toBe('x'.repeat(40));
  });

  it('sends the spans of every application process to the trace backend', () => {
    for (const process of APP_PROCESSES) expect(envOf(process).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
  });
});
