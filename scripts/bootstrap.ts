// `npm run bootstrap`: checks and prepares what the platform needs, one line per missing piece.
// With --check (as `npm test` runs it) the platform's databases are left alone: tests make their own.
import { ConfigError, loadConfig, SERVICE_NAMES } from '../common/config.ts';
import { bootstrap } from '../common/infra/bootstrap.ts';
import { InfraError } from '../common/infra/temporal-cli.ts';

const checkOnly = process.argv.includes('--check');

try {
  const config = loadConfig();
  const result = await bootstrap({
    databaseUrls: SERVICE_NAMES.map((s) => config.services[s].databaseUrl),
    rabbitmqUrl: config.rabbitmq.url,
    createDatabases: !checkOnly,
    progress: (line) => console.log(line),
  });
  const created = result.createdDatabases.length ? ` (created ${result.createdDatabases.join(', ')})` : '';
  console.log(checkOnly ? 'PostgreSQL reachable' : `PostgreSQL reachable; databases ready${created}`);
  console.log('RabbitMQ reachable');
  console.log(`Temporal CLI: ${result.temporalCli}`);
} catch (err) {
  if (err instanceof InfraError || err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
