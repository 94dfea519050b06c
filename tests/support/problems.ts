// How errors are answered: the stable code a domain operation refused with, and the service app's answer to a route
// that throws.
import pino from 'pino';
import { DomainError } from '../../common/errors/domain-error.ts';
import { createServiceApp } from '../../common/http/service-app.ts';

/** The code a domain operation answered with: 'ok' when it succeeded, its DomainError code when it refused. */

export async function codeOf(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

/** An app whose one route, GET /probe, throws what it is given, answered by the service app's own error handler. */
export function appThrowing(err: unknown) {
  const app = createServiceApp({
    name: 'probe',
    description: 'probe',
    logger: pino({ level: 'silent' }),
    readiness: [],
    readyTimeoutMs: 100,
  });
  app.get('/probe', () => {
    throw err;
  });
  return app;
}
