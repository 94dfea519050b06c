import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function compose(...args: string[]) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose', () => {
    const result = compose('config', '-q');
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs the gateway, the four services, their four databases and the infrastructure', () => {
    const services = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(services).toEqual(
      expect.arrayContaining([
        'gateway',
        'users',
        'events',
        'bookings',
        'payments',
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
    const resolved = compose('config').stdout;
    for (const process of ['gateway', 'users', 'events', 'bookings', 'payments']) {
      expect(resolved).toMatch(new RegExp(`- main\\.ts\\n\\s+- ${process}\\n`));
    }
    expect(resolved.match(/image: eventix:local/g)).toHaveLength(5);
  });

  it('gives every application process the same gateway secret and the users service for token keys', () => {
    const resolved = compose('config').stdout;
    const secrets = [...resolved.matchAll(/GATEWAY_SECRET: (\S+)/g)].map((m) => m[1]);
    expect(secrets).toHaveLength(5);
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(resolved.match(/USERS_URLS: http:\/\/users:8000/g)).toHaveLength(5);
  });

  it('sends the spans of every application process to the trace backend', () => {
    const resolved = compose('config').stdout;
    expect(resolved.match(/OTEL_EXPORTER_OTLP_ENDPOINT: http:\/\/jaeger:4318/g)).toHaveLength(5);
  });
});
