// One pino logger per process; secrets never reach a log line.
import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { traceFields } from './observability/tracing.ts';

export type { Logger };

const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'paymentMethod',
  '*.paymentMethod',
  '*.*.paymentMethod',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Options shared by every Eventix logger: the service and the active trace on every line, and the secrets redacted. */
export function loggerOptions(service: string) {
  return { base: { service, pid: process.pid }, redact: { paths: REDACT, censor: '[redacted]' }, mixin: traceFields };
}

export function createLogger(config: Pick<Config, 'log'>, name: string): Logger {
  return pino({
    ...loggerOptions(name),
    level: config.log.level,
    ...(config.log.format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,spanId' },
          },
        }
      : {}),
  });
}
