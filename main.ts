// Entry point of every Eventix process: `node main.ts <gateway|users|events|bookings|payments>`.
import { startGateway } from './api/gateway/gateway.server.ts';
import { ConfigError, loadConfig, SERVICE_NAMES, type Config } from './common/config.ts';
import { createLogger } from './common/logger.ts';
import { installTracing } from './common/observability/tracing.ts';
import { startDomainService } from './workers/service-runtime.ts';
import { SERVICES } from './workers/services.ts';

const PROCESSES = ['gateway', ...SERVICE_NAMES] as const;
type ProcessName = (typeof PROCESSES)[number];

function fail(name: string, message: string, code: number): never {
  process.stderr.write(`eventix ${name}: ${message}\n`);
  process.exit(code);
}

const name = process.argv[2] as ProcessName | undefined;
if (!name || !PROCESSES.includes(name)) {
  fail('main', `usage: node main.ts <${PROCESSES.join('|')}>`, 2);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(name, err.message, 2);
  throw err;
}

// Once per process, here: every part of the process traces through this one provider.
const tracing = installTracing(name, config);
const logger = createLogger(config, name);
let stopping = false;

try {
  const handle =
    name === 'gateway'
      ? await startGateway(config, logger)
      : await startDomainService(SERVICES[name], config, logger, { tracing, onFatal: () => process.exit(1) });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    // Spans still buffered leave before the process does.
    const flushed = () => tracing.flush().catch(() => undefined);
    handle.stop().then(
      () => flushed().then(() => process.exit(0)),
      () => flushed().then(() => process.exit(1)),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Started by `npm start`: stop with it even if it was killed without a chance to stop us.
  const parent = config.parentPid;
  if (parent !== undefined) {
    setInterval(() => {
      try {
        process.kill(parent, 0);
      } catch {
        shutdown('parent exited');
      }
    }, 1_000).unref();
  }
} catch (err) {
  fail(name, `cannot start: ${(err as Error).message}`, 1);
}
