// Static checks of the Docker deployment (docker-compose.yml, its development override, the Dockerfile): the defects
// that would otherwise show only on a machine with Docker.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../common/config.ts';
import { SERVICE_DIRECTORY, SERVICE_NAMES } from '../common/service-directory.ts';
import {
  composeSchemaErrors,
  loadCompose,
  loadComposeFiles,
  readCompose,
  readEnvFile,
  requiredVariables,
  type ComposeFile,
  type ComposeService,
} from './support/compose.ts';

const path = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
const COMPOSE_FILE = path('docker-compose.yml');
const DEV_FILE = path('docker-compose.dev.yml');
const DOCKERFILE = readFileSync(path('Dockerfile'), 'utf8');
const ENV = readEnvFile(path('.env.example'));
const compose = loadCompose(COMPOSE_FILE, ENV);
const dev = loadComposeFiles([COMPOSE_FILE, DEV_FILE], ENV);

const instancesOf = (file: ComposeFile, service: string) =>
  Object.keys(file.services).filter((name) => new RegExp(`^${service}-\\d+$`).test(name));
const appProcesses = (file: ComposeFile) => ['gateway', ...SERVICE_NAMES.flatMap((s) => instancesOf(file, s))];
const APP_PROCESSES = appProcesses(compose);
const processOf = (name: string) => name.replace(/-\d+$/, '');
const envOf = (file: ComposeFile, name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(file.services[name]?.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));

/** Links for a person's browser, not for a process: they name the published ports on localhost. */
const BROWSER_LINKS = ['TEMPORAL_UI_URL', 'MAIL_UI_URL'];

/** Every image reference not pinned to an exact version: no tag, `latest`, or fewer version parts than the image's releases have. */
function unpinnedImages(file: ComposeFile, dockerfile: string): string[] {
  // The image this file builds is named by it, not pulled.
  const built = new Set(Object.values(file.services).flatMap((s) => (s.build && s.image ? [s.image] : [])));
  const images = [
    ...Object.entries(file.services).flatMap(([name, s]) => (s.image && !built.has(s.image) ? [[name, s.image] as const] : [])),
    ...[...dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => ['Dockerfile', m[1]!] as const),
  ];
  return images
    .filter(([, image]) => {
      if (/@sha256:[0-9a-f]{64}$/.test(image)) return false;
      const [, repo, tag] = /^(.*?)(?::([^:/]+))?$/.exec(image)!;
      const version = /^v?(\d+(?:\.\d+)*)/.exec(tag ?? '')?.[1];
      if (!version) return true;
      // PostgreSQL numbers its releases major.minor; everything else here major.minor.patch.
      return version.split('.').length < (repo!.split('/').pop() === 'postgres' ? 2 : 3);
    })
    .map(([name, image]) => `${name}: ${image}`);
}

/** `depends_on` targets a service cannot be waited for properly: no health check, or a one-shot not waited to finish. */
function unwaitableDependencies(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    const deps = Array.isArray(service.depends_on)
      ? Object.fromEntries(service.depends_on.map((d) => [d, { condition: 'service_started' }]))
      : (service.depends_on ?? {});
    for (const [target, { condition }] of Object.entries(deps)) {
      const waited =
        condition === 'service_completed_successfully' || (condition === 'service_healthy' && file.services[target]?.healthcheck);
      if (!waited) problems.push(`${name} → ${target} (${condition})`);
    }
  }
  return problems;
}

const SECRET_NAME = /PASSWORD|SECRET|PASS|PWD|TOKEN|KEY/i;
const REQUIRED = /^\$\{[A-Za-z_]\w*:\?[^}]*\}$/;
const OPTIONAL_EMPTY = /^\$\{[A-Za-z_]\w*:?-\}$/;

/** Credentials written into the file (as given, before interpolation): secret values, defaults, URL passwords. */
function literalSecrets(file: ComposeFile): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, where: string, key: string) => {
    if (typeof node === 'string' || typeof node === 'number') {
      const value = String(node);
      // A variable named like a secret holds only a reference: required, or optional and empty; a path to a file
      // holding the secret (AUTH_KEYS_FILE) is not one.
      if (SECRET_NAME.test(key) && !/_FILE$/.test(key) && !REQUIRED.test(value) && !OPTIONAL_EMPTY.test(value)) {
        problems.push(`${where}: ${value}`);
      }
      for (const m of value.matchAll(/\$\{([A-Za-z_]\w*):?-([^}]+)\}/g)) {
        if (SECRET_NAME.test(m[1]!)) problems.push(`${where}: default for ${m[1]}`);
      }
      for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]*)@/gi)) {
        if (!REQUIRED.test(m[1]!)) problems.push(`${where}: password in URL ${m[0]}`);
      }
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${where}[${i}]`, key));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, where ? `${where}.${k}` : k, k);
    }
  };
  visit(file, '', '');
  return problems;
}

const hostOf = (address: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? new URL(address).hostname : address.split(':')[0]!);

/** Every address a process's configuration would dial, by the configuration key it comes from: its own database only. */
function dialedAddresses(config: Config, process: string): Record<string, string> {
  const addresses: Record<string, string> = {
    'rabbitmq.url': config.rabbitmq.url,
    'temporal.address': config.temporal.address,
    'mail.smtpUrl': config.mail.smtpUrl,
  };
  for (const s of SERVICE_NAMES) {
    config.services[s].urls.forEach((url, i) => (addresses[`services.${s}.urls[${i}]`] = url));
    if (s === process) addresses[`services.${s}.databaseUrl`] = config.services[s].databaseUrl;
  }
  if (config.tracing.otlpTracesUrl) addresses['tracing.otlpTracesUrl'] = config.tracing.otlpTracesUrl;
  return addresses;
}

/** Each application process's configuration, or why it would not start; and every address not a compose service. */
function configProblems(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const name of appProcesses(file)) {
    let config: Config;
    try {
      config = loadConfig(envOf(file, name));
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    for (const [key, address] of Object.entries(dialedAddresses(config, processOf(name)))) {
      if (!file.services[hostOf(address)]) problems.push(`${name}: ${key} → ${hostOf(address)}`);
    }
    if (!config.tracing.otlpTracesUrl) problems.push(`${name}: no trace endpoint`);
  }
  return problems;
}

/** Ports published on every interface, other than the gateway's. */
function openPorts(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    for (const port of service.ports ?? []) {
      const text = typeof port === 'object' ? JSON.stringify(port) : String(port);
      const parts = text.split(':');
      const hostIp = typeof port === 'object' ? ((port.host_ip as string | undefined) ?? '') : parts.length === 3 ? parts[0] : '';
      if (name !== 'gateway' && hostIp !== '127.0.0.1') problems.push(`${name}: ${text}`);
    }
  }
  return problems;
}

const healthChecks = (file: ComposeFile) =>
  Object.entries(file.services).flatMap(([name, s]) => (s.healthcheck ? [[name, s.healthcheck as Record<string, unknown>] as const] : []));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification, alone, as its development override, and with it merged on top', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
    expect(composeSchemaErrors(loadCompose(DEV_FILE, ENV))).toEqual([]);
    expect(composeSchemaErrors(dev)).toEqual([]);
  });

  it('is refused by the same check when it names a key or a condition Compose does not know', () => {
    const broken: ComposeFile = structuredClone(compose);
    broken.services.gateway!.depends_on = { 'users-1': { condition: 'service_ready' } };
    broken.services['users-1']!.portz = ['8000:8000'];
    const errors = composeSchemaErrors(broken);
    expect(errors).toContain('/services/users-1 must NOT have additional properties');
    expect(errors).toContain('/services/gateway/depends_on/users-1/condition must be equal to one of the allowed values');
  });

  it('runs the gateway, two instances of each service, their four databases and the infrastructure', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'gateway',
        ...SERVICE_NAMES.flatMap((s) => [`${s}-1`, `${s}-2`, `${s}-db`]),
        'rabbitmq',
        'temporal',
        'temporal-db',
        'temporal-schema',
        'temporal-setup',
        'temporal-ui',
        'mail',
        'prometheus',
        'grafana',
        'jaeger',
      ]),
    );
    for (const service of SERVICE_NAMES) expect(instancesOf(compose, service)).toHaveLength(2);
  });

  it('lists both instances of each service in the gateway, and in every process that may call it', () => {
    for (const name of APP_PROCESSES) {
      const config = loadConfig(envOf(compose, name));
      for (const service of SERVICE_NAMES) {
        const port = SERVICE_DIRECTORY[service].port;
        expect(config.services[service].urls, `${name} → ${service}`).toEqual(
          instancesOf(compose, service).map((i) => `http://${i}:${port}`),
        );
      }
    }
  });

  it('builds the one image once and starts every application process from it, never pulling it', () => {
    const builders = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(builders.map(([, s]) => s.image)).toEqual(['eventix:local']);
    for (const name of APP_PROCESSES) {
      const service = compose.services[name]!;
      expect(service.command).toEqual(['node', 'main.ts', processOf(name)]);
      expect(service.image).toBe('eventix:local');
      expect(service.build).toBeUndefined();
      expect(service.pull_policy).toBe('never');
    }
  });

  it('pins every image to an exact version, here and in the Dockerfile', () => {
    expect(unpinnedImages(compose, DOCKERFILE)).toEqual([]);
  });

  it('refuses an image by a moving tag, a bare major or minor, or no tag at all', () => {
    const moving: ComposeFile = structuredClone(compose);
    moving.services['users-db']!.image = 'postgres:16-alpine';
    moving.services.rabbitmq!.image = 'rabbitmq:latest';
    moving.services.grafana!.image = 'grafana/grafana';
    moving.services.mail!.image = 'maildev/maildev:2.2';
    moving.services.jaeger!.image = `jaegertracing/jaeger@sha256:${'a'.repeat(64)}`;
    expect(unpinnedImages(moving, 'FROM node:24-slim AS build\nFROM node:24.21.0-slim\n')).toEqual([
      'users-db: postgres:16-alpine',
      'rabbitmq: rabbitmq:latest',
      'grafana: grafana/grafana',
      'mail: maildev/maildev:2.2',
      'Dockerfile: node:24-slim',
    ]);
  });

  it('uses the Node version of the development toolchain in the image', () => {
    const devNode = (JSON.parse(readFileSync(path('package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies
      .node;
    expect(DOCKERFILE).toMatch(new RegExp(`^FROM node:${devNode!.replace(/\./g, '\\.')}-slim`, 'm'));
  });

  it('waits for every dependency by a health check, or for a one-shot step to finish', () => {
    expect(unwaitableDependencies(compose)).toEqual([]);
    expect(unwaitableDependencies(dev)).toEqual([]);
    const broken: ComposeFile = structuredClone(compose);
    delete broken.services.rabbitmq!.healthcheck;
    broken.services['temporal-ui']!.depends_on = ['temporal-setup'];
    expect(unwaitableDependencies(broken)).toEqual(
      expect.arrayContaining(['users-1 → rabbitmq (service_healthy)', 'temporal-ui → temporal-setup (service_started)']),
    );
  });

  it('gives every health check a start period', () => {
    const checks = healthChecks(compose);
    expect(checks.length).toBeGreaterThan(5);
    expect(checks.filter(([, check]) => !check.start_period).map(([name]) => name)).toEqual([]);
  });

  it('writes no credential into the file: secrets come from variables, required ones without a default', () => {
    expect(literalSecrets(readCompose(COMPOSE_FILE))).toEqual([]);
    expect(literalSecrets(readCompose(DEV_FILE))).toEqual([]);
  });

  it('refuses a literal secret, a secret with a default, and a password in a URL', () => {
    const leaky: ComposeFile = structuredClone(readCompose(COMPOSE_FILE));
    leaky.services['users-db']!.environment!.POSTGRES_PASSWORD = 'eventix';
    leaky.services.gateway!.environment!.GATEWAY_SECRET = '${GATEWAY_SECRET:-compose-development-secret-change-me-0001}';
    leaky.services.gateway!.environment!.RABBITMQ_URL = 'amqp://guest:guest@rabbitmq:5672';
    expect(literalSecrets(leaky).sort()).toEqual([
      'services.gateway.environment.GATEWAY_SECRET: ${GATEWAY_SECRET:-compose-development-secret-change-me-0001}',
      'services.gateway.environment.GATEWAY_SECRET: default for GATEWAY_SECRET',
      'services.gateway.environment.RABBITMQ_URL: password in URL amqp://guest:guest@',
      'services.users-db.environment.POSTGRES_PASSWORD: eventix',
    ]);
  });

  it('refuses to load without each required variable, naming it, and .env.example sets every one', () => {
    const required = requiredVariables(COMPOSE_FILE);
    expect(required).toEqual(
      expect.arrayContaining([
        'ADMIN_PASSWORD',
        'GATEWAY_SECRET',
        'GRAFANA_ADMIN_PASSWORD',
        'POSTGRES_PASSWORD',
        'RABBITMQ_PASSWORD',
        'RABBITMQ_USER',
      ]),
    );
    for (const name of required) {
      expect(ENV[name], name).toBeTruthy();
      const { [name]: _omitted, ...without } = ENV;
      expect(() => loadCompose(COMPOSE_FILE, without)).toThrow(`${name} is required`);
    }
  });

  it('starts every application process with a configuration it accepts, dialing compose services only', () => {
    expect(configProblems(compose)).toEqual([]);
    expect(configProblems(dev)).toEqual([]);
  });

  it('gives each process the credentials of its own database and of no other', () => {
    for (const name of APP_PROCESSES) {
      const databases = Object.keys(envOf(compose, name)).filter((key) => key.endsWith('_DATABASE_URL'));
      expect(databases, name).toEqual(processOf(name) === 'gateway' ? [] : [`${processOf(name).toUpperCase()}_DATABASE_URL`]);
    }
  });

  it('refuses a process left to dial 127.0.0.1, as bookings did for events', () => {
    const broken: ComposeFile = structuredClone(compose);
    const env = { ...broken.services['bookings-1']!.environment };
    delete env.EVENTS_URLS;
    broken.services['bookings-1']!.environment = env;
    expect(configProblems(broken)).toEqual(['bookings-1: services.events.urls[0] → 127.0.0.1']);
  });

  it('keeps browser links on the published ports, for the browser', () => {
    for (const name of APP_PROCESSES) {
      for (const key of BROWSER_LINKS) expect(new URL(envOf(compose, name)[key]!).hostname).toBe('localhost');
    }
    expect(compose.services['temporal-ui']!.ports).toEqual(['127.0.0.1:8233:8080']);
    expect(compose.services.mail!.ports).toEqual(['127.0.0.1:1080:1080']);
  });

  it('publishes only the gateway on every interface, everything else on 127.0.0.1 or not at all', () => {
    expect(openPorts(compose)).toEqual([]);
    expect(openPorts(dev)).toEqual([]);
    for (const name of APP_PROCESSES.filter((n) => n !== 'gateway')) expect(compose.services[name]!.ports).toBeUndefined();
    const open: ComposeFile = structuredClone(compose);
    open.services['users-db']!.ports = ['5432:5432'];
    open.services.temporal!.ports = [{ target: 7233, published: '7233' }];
    expect(openPorts(open)).toEqual(['users-db: 5432:5432', 'temporal: {"target":7233,"published":"7233"}']);
  });

  it('runs in production mode, with what production demands of each process', () => {
    for (const name of APP_PROCESSES) {
      const config = loadConfig(envOf(compose, name));
      expect(config.env, name).toBe('production');
      expect(config.auth.gatewaySecret, name).toBe(ENV.GATEWAY_SECRET);
    }
    for (const name of instancesOf(compose, 'users')) {
      const config = loadConfig(envOf(compose, name));
      expect(config.auth.admin.password).toBe(ENV.ADMIN_PASSWORD);
      expect(config.auth.keysFile).toBeDefined();
    }
    for (const name of instancesOf(compose, 'payments')) expect(loadConfig(envOf(compose, name)).payments.testGateway.enabled).toBe(false);
  });

  it('turns on development mode, the test payment gateway and the demo data with the development override', () => {
    expect(appProcesses(dev)).toEqual(APP_PROCESSES);
    for (const name of APP_PROCESSES) expect(loadConfig(envOf(dev, name)).env, name).toBe('development');
    for (const name of instancesOf(dev, 'payments')) expect(loadConfig(envOf(dev, name)).payments.testGateway.enabled).toBe(true);
    for (const name of instancesOf(dev, 'events')) expect(loadConfig(envOf(dev, name)).events.demoData).toBe(true);
  });

  it('shares one set of token signing keys between the users instances, made once before they start', () => {
    const keysFile = envOf(compose, 'users-1').AUTH_KEYS_FILE!;
    const maker = compose.services['auth-keys']!;
    expect(maker.command).toEqual(['node', 'scripts/auth-keys.ts', keysFile]);
    const volumeHolding = (service: ComposeService) =>
      ((service.volumes ?? []) as string[]).find((v) => keysFile.startsWith(`${v.split(':')[1]}/`))?.split(':')[0];
    expect(volumeHolding(maker)).toBeDefined();
    for (const name of instancesOf(compose, 'users')) {
      expect(volumeHolding(compose.services[name]!), name).toBe(volumeHolding(maker));
      expect(envOf(compose, name).AUTH_KEYS_FILE).toBe(keysFile);
      expect((compose.services[name]!.depends_on as Record<string, { condition: string }>)['auth-keys']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it('sets Temporal up with steps that fail when they fail: schema, then server, then namespace and search attributes', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    expect(text).not.toMatch(/\|\|\s*true/);
    expect(compose.services.temporal!.image).toMatch(/^temporalio\/server:/);
    const serverVersion = compose.services.temporal!.image!.split(':')[1]!;
    for (const step of ['temporal-schema', 'temporal-setup']) {
      expect(compose.services[step]!.image).toMatch(new RegExp(`^temporalio/admin-tools:${serverVersion.replace(/\./g, '\\.')}-`));
    }
    expect(compose.services.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    const schema = String(compose.services['temporal-schema']!.command);
    for (const db of ['temporal', 'temporal_visibility']) expect(schema).toContain(db);
    expect(schema).toMatch(/setup-schema/);
    expect(schema).toMatch(/update-schema/);
    const setup = String(compose.services['temporal-setup']!.command);
    for (const attribute of ['BookingStatus', 'EventId', 'CustomerId']) expect(setup).toContain(attribute);
    expect(setup).toMatch(/namespace create/);
    expect(setup).toMatch(/exit 1/);
  });

  it('builds the workflow bundle into the image and points the workers at it', async () => {
    const built = /^RUN node scripts\/bundle-workflows\.ts (\S+)$/m.exec(DOCKERFILE)?.[1];
    expect(built).toBeDefined();
    expect(DOCKERFILE).toMatch(new RegExp(`^ENV TEMPORAL_WORKFLOW_BUNDLE=${built!.replace(/[.]/g, '\\.')}$`, 'm'));
    const dir = mkdtempSync(join(tmpdir(), 'eventix-bundle-'));
    try {
      const out = join(dir, 'nested', 'workflow-bundle.js');
      await promisify(execFile)(process.execPath, [path('scripts/bundle-workflows.ts'), out], { cwd: path('') });
      expect(statSync(out).size).toBeGreaterThan(10_000);
      expect(readFileSync(out, 'utf8')).toContain('bookingWorkflow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps secrets and local data out of the image', () => {
    const ignored = readFileSync(path('.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', 'data', 'node_modules']) expect(ignored).toContain(entry);
  });

  it('gives every application process the same gateway secret', () => {
    const secrets = APP_PROCESSES.map((p) => envOf(compose, p).GATEWAY_SECRET);
    expect(new Set(secrets).size).toBe(1);
    expect(String(secrets[0]).length).toBeGreaterThanOrEqual(32);
  });

  it('takes the gateway secret from the environment', () => {
    const given = loadCompose(COMPOSE_FILE, { ...ENV, GATEWAY_SECRET: 'x'.repeat(40) });
    for (const name of APP_PROCESSES) expect(given.services[name]!.environment!.GATEWAY_SECRET).toBe('x'.repeat(40));
  });

  it('sends the spans of every application process to the trace backend', () => {
    for (const name of APP_PROCESSES) expect(envOf(compose, name).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
  });

  it('scrapes every application process and its worker metrics', () => {
    const prometheus = readFileSync(path('ops/prometheus/prometheus.yml'), 'utf8');
    for (const name of APP_PROCESSES) {
      const port = name === 'gateway' ? 8080 : SERVICE_DIRECTORY[processOf(name) as keyof typeof SERVICE_DIRECTORY].port;
      expect(prometheus, name).toContain(`${name}:${port}`);
      if (name !== 'gateway') expect(prometheus, name).toContain(`${name}:9464`);
    }
  });
});
