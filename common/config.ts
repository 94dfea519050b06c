// Reads and validates the environment once; every port, URL and tunable of Eventix comes from here.
import { z } from 'zod';
import { redactUrl } from './redact.ts';
import { SERVICE_DIRECTORY, SERVICE_NAMES, type ServiceName } from './service-directory.ts';

export { SERVICE_NAMES, type ServiceName };

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const n = Number(value);
      // 0 asks the operating system for any free port (tests use it).
      if (!/^\d+$/.test(value.trim()) || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a port number between 0 and 65535, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

const positiveInt = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || n < 1) {
        ctx.addIssue({ code: 'custom', message: `expected a positive whole number, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

function checkUrl(value: string, protocols: string[], ctx: z.RefinementCtx): string {
  try {
    const parsed = new URL(value);
    if (!protocols.includes(parsed.protocol)) {
      ctx.addIssue({ code: 'custom', message: `expected a ${protocols.join(' or ')} URL, got "${redactUrl(value)}"` });
      return z.NEVER;
    }
    return value;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a URL' });
    return z.NEVER;
  }
}

const url = (fallback: string, protocols: string[]) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => checkUrl(value, protocols, ctx));

/** A URL that may be left unset. */
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .transform((value, ctx) => checkUrl(value, protocols, ctx))
    .optional();

// A comma-separated list of base URLs: several instances of one service behind the gateway.
const urlList = () =>
  z.string().transform((value, ctx) => {
    const items = value
      .split(',')
      .map((s) => s.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    if (items.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one URL' });
      return z.NEVER;
    }
    for (const item of items) {
      if (!URL.canParse(item) || !/^https?:$/.test(new URL(item).protocol)) {
        ctx.addIssue({ code: 'custom', message: `expected comma-separated http(s) URLs, got "${redactUrl(item)}"` });
        return z.NEVER;
      }
    }
    return items;
  });

const hostPort = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^[\w.-]+:\d{1,5}$/.test(value), { message: 'expected host:port, for example 127.0.0.1:7233' });

const databaseUrl = (name: string) => url(`postgres://postgres@127.0.0.1:5432/${name}`, ['postgres:', 'postgresql:']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  DATA_DIR: z.string().min(1).default('./data'),
  // Only this machine by default: the services trust the gateway's forwarded headers and serve /internal routes, so
  // they are not for the network; containers set HOST=0.0.0.0 and publish only the gateway.
  HOST: z.string().min(1).default('127.0.0.1'),

  GATEWAY_PORT: port(8080),
  /** The built web box office the gateway serves at / (npm run web:build writes data/web). */
  WEB_DIR: z.string().min(1).optional(),
  UPSTREAM_TIMEOUT_MS: positiveInt(30_000),
  UPSTREAM_HEALTH_INTERVAL_MS: positiveInt(2_000),

  DATABASE_POOL_MAX: positiveInt(10),

  RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672', ['amqp:', 'amqps:']),
  RABBITMQ_EXCHANGE: z.string().min(1).default('eventix.events'),

  TEMPORAL_ADDRESS: hostPort('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: url('http://127.0.0.1:8233', ['http:', 'https:']),
  // host:port for the Temporal SDK's worker metrics (Prometheus, a second port); unset: not served.
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]*:\d{1,5}$/, 'expected host:port, for example 0.0.0.0:9464')
    .optional(),
  // A workflow bundle built ahead of time (bundleWorkflowCode with the workers' WORKFLOW_INTERCEPTOR_MODULES); without it
  // the bookings worker bundles at start.
  TEMPORAL_WORKFLOW_BUNDLE: z.string().min(1).optional(),

  // Traces go over OTLP/HTTP when one of these is set (the standard OpenTelemetry variables); otherwise nowhere.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(['http:', 'https:']),

  SMTP_URL: url('smtp://127.0.0.1:1025', ['smtp:', 'smtps:']),
  MAIL_UI_URL: url('http://127.0.0.1:1080', ['http:', 'https:']),

  SERVICE_MODE: z.enum(['all', 'api', 'worker']).default('all'),
  TEMPORAL_CLI: z.string().min(1).optional(),
  // Which Temporal `npm start` and the benchmarks run when none answers at TEMPORAL_ADDRESS: the CLI's dev server
  // (one SQLite file, built-in Web UI) or Temporal server proper over the local PostgreSQL (several history shards).
  TEMPORAL_SERVER: z.enum(['dev', 'server']).default('dev'),
  // Set by `npm start` for the processes it runs, so they stop with it.
  EVENTIX_PARENT_PID: z.string().regex(/^\d+$/, 'expected a process id').transform(Number).optional(),
  READY_CHECK_TIMEOUT_MS: positiveInt(2_000),

  AUTH_ISSUER: z.string().min(1).default('eventix'),
  AUTH_AUDIENCE: z.string().min(1).default('eventix-api'),
  // A JSON file {"keys": [private JWK, ...]}: the first key signs, every key's public half is published.
  AUTH_KEYS_FILE: z.string().min(1).optional(),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  SESSION_TTL_DAYS: positiveInt(30),
  // A refresh token presented again this soon after its rotation, whose successor was never used, is a lost answer
  // (a reload or a dropped connection mid-refresh), not a copy: it is rotated again instead of ending the session.
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
  // Shared by the gateway and the services: proves a forwarded client address was set by the gateway.
  GATEWAY_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  ADMIN_EMAIL: z.email('expected an email address').default('admin@eventix.com'),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  LOGIN_LIMIT_WINDOW_SECONDS: positiveInt(300),
  LOGIN_LIMIT_PER_IP: positiveInt(50),
  LOGIN_LIMIT_PER_ACCOUNT: positiveInt(10),

  SEATS_PER_CUSTOMER_MAX: positiveInt(10),
  // Development only: an empty events database gets a demo venue and three events on sale.
  DEMO_DATA: z.enum(['on', 'off']).default('on'),

  // The built-in test gateway: on by default outside production, never on in production unless asked for.
  TEST_GATEWAY: z.enum(['on', 'off']).optional(),
  TEST_GATEWAY_SLOW_MS: positiveInt(30_000),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^sk_(test|live)_\w+$/, 'expected a Stripe secret key (sk_test_… or sk_live_…)')
    .optional(),
  // Another Stripe API base, such as stripe-mock in tests.
  STRIPE_API_URL: url('https://api.stripe.com', ['http:', 'https:']).optional(),
  PAYMENT_GATEWAY_TIMEOUT_MS: positiveInt(10_000),

  BOOKING_HOLD_TTL_SECONDS: positiveInt(600),
  // How long the hold, pay and cancel routes wait for the saga before answering 503 BOOKING_OUTCOME_PENDING: below the
  // gateway's UPSTREAM_TIMEOUT_MS, so the client hears from the service itself and not a 504.
  BOOKING_SAGA_ANSWER_MS: positiveInt(20_000),
  EVENT_CANCELLATION_PARALLELISM: positiveInt(5),
});

type Env = z.output<typeof envSchema>;

/** Each service's variables, `<SERVICE>_PORT`, `<SERVICE>_URLS` and `<SERVICE>_DATABASE_URL`, for every service in the directory. */
const serviceSchema = (name: ServiceName) =>
  z.object({
    PORT: port(SERVICE_DIRECTORY[name].port),
    // Unset, the service's own port on this machine.
    URLS: urlList().optional(),
    DATABASE_URL: databaseUrl(`eventix_${name}`),
  });

function readServices(source: Record<string, string | undefined>): { services: Record<ServiceName, ServiceEndpoints>; problems: string[] } {
  const services = {} as Record<ServiceName, ServiceEndpoints>;
  const problems: string[] = [];
  for (const name of SERVICE_NAMES) {
    const prefix = `${name.toUpperCase()}_`;
    const own = Object.fromEntries(Object.entries(source).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));
    const result = serviceSchema(name).safeParse(own);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => `${prefix}${issue.path.join('.')}: ${issue.message}`));
      continue;
    }
    const { PORT, URLS, DATABASE_URL } = result.data;
    services[name] = { port: PORT, urls: URLS ?? [`http://127.0.0.1:${PORT}`], databaseUrl: DATABASE_URL };
  }
  return { services, problems };
}

export interface ServiceEndpoints {
  port: number;
  urls: string[];
  databaseUrl: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  dataDir: string;
  host: string;
  gateway: { port: number; upstreamTimeoutMs: number; healthIntervalMs: number; webDir: string | undefined };
  services: Record<ServiceName, ServiceEndpoints>;
  databasePoolMax: number;
  rabbitmq: { url: string; exchange: string };
  temporal: {
    address: string;
    namespace: string;
    uiUrl: string;
    cli: string | undefined;
    /** What `npm start` runs when no Temporal answers: the dev server or Temporal server over PostgreSQL. */
    server: Env['TEMPORAL_SERVER'];
    workflowBundle: string | undefined;
    metricsAddress: string | undefined;
  };
  /** Where spans are sent over OTLP/HTTP (the full /v1/traces URL); undefined: spans are made but not exported. */
  tracing: { otlpTracesUrl: string | undefined };
  mail: { smtpUrl: string; uiUrl: string };
  serviceMode: Env['SERVICE_MODE'];
  parentPid: number | undefined;
  readyCheckTimeoutMs: number;
  auth: AuthConfig;
  events: { maxSeatsPerCustomer: number; demoData: boolean };
  bookings: { holdTtlSeconds: number; sagaAnswerMs: number; eventCancellationParallelism: number };
  payments: {
    testGateway: { enabled: boolean; slowMs: number };
    stripe: { secretKey: string; apiUrl: string | undefined } | undefined;
    gatewayTimeoutMs: number;
  };
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  keysFile: string | undefined;
  accessTokenTtlSeconds: number;
  sessionTtlDays: number;
  refreshReuseGraceSeconds: number;
  gatewaySecret: string | undefined;
  admin: { email: string; password: string | undefined };
  /** Login attempts per client address, and failed attempts per account, within one window. */
  loginLimits: { windowSeconds: number; perIp: number; perAccount: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message names every wrong variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  const { services, problems } = readServices(cleaned);
  if (!result.success) problems.unshift(...result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  if (!result.success || problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  const e = result.data;
  if (e.NODE_ENV === 'production' && !e.GATEWAY_SECRET) {
    throw new ConfigError('invalid configuration: GATEWAY_SECRET: required in production (at least 32 random characters)');
  }
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    dataDir: e.DATA_DIR,
    host: e.HOST,
    gateway: {
      port: e.GATEWAY_PORT,
      upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
      healthIntervalMs: e.UPSTREAM_HEALTH_INTERVAL_MS,
      webDir: e.WEB_DIR,
    },
    services,
    databasePoolMax: e.DATABASE_POOL_MAX,
    rabbitmq: { url: e.RABBITMQ_URL, exchange: e.RABBITMQ_EXCHANGE },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiUrl: e.TEMPORAL_UI_URL,
      cli: e.TEMPORAL_CLI,
      server: e.TEMPORAL_SERVER,
      workflowBundle: e.TEMPORAL_WORKFLOW_BUNDLE,
      metricsAddress: e.TEMPORAL_METRICS_ADDRESS,
    },
    tracing: {
      otlpTracesUrl:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined),
    },
    mail: { smtpUrl: e.SMTP_URL, uiUrl: e.MAIL_UI_URL },
    serviceMode: e.SERVICE_MODE,
    parentPid: e.EVENTIX_PARENT_PID,
    readyCheckTimeoutMs: e.READY_CHECK_TIMEOUT_MS,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      keysFile: e.AUTH_KEYS_FILE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      sessionTtlDays: e.SESSION_TTL_DAYS,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      gatewaySecret: e.GATEWAY_SECRET,
      admin: { email: e.ADMIN_EMAIL.trim().toLowerCase(), password: e.ADMIN_PASSWORD },
      loginLimits: { windowSeconds: e.LOGIN_LIMIT_WINDOW_SECONDS, perIp: e.LOGIN_LIMIT_PER_IP, perAccount: e.LOGIN_LIMIT_PER_ACCOUNT },
    },
    events: { maxSeatsPerCustomer: e.SEATS_PER_CUSTOMER_MAX, demoData: e.NODE_ENV === 'development' && e.DEMO_DATA === 'on' },
    bookings: {
      holdTtlSeconds: e.BOOKING_HOLD_TTL_SECONDS,
      sagaAnswerMs: e.BOOKING_SAGA_ANSWER_MS,
      eventCancellationParallelism: e.EVENT_CANCELLATION_PARALLELISM,
    },
    payments: {
      testGateway: { enabled: (e.TEST_GATEWAY ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on', slowMs: e.TEST_GATEWAY_SLOW_MS },
      stripe: e.STRIPE_SECRET_KEY ? { secretKey: e.STRIPE_SECRET_KEY, apiUrl: e.STRIPE_API_URL } : undefined,
      gatewayTimeoutMs: e.PAYMENT_GATEWAY_TIMEOUT_MS,
    },
  };
}
