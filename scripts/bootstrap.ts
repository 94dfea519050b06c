// `npm run bootstrap`: checks and prepares what the platform needs, one line per missing piece; with
// TEMPORAL_SERVER=server it builds Temporal server's binaries instead of the Temporal CLI.
// With --check (as `npm test` runs it) the platform's databases are left alone, since tests make their own, and
// Debian's Chromium is installed for the browser tests when it is missing.
import { ConfigError, loadConfig, SERVICE_NAMES } from '../common/config.ts';
import { bootstrap, type BootstrapResult } from '../common/infra/bootstrap.ts';
import { InfraError } from '../common/infra/system.ts';
import { ensureChromium } from './web.ts';

const checkOnly = process.argv.includes('--check');
const problems: string[] = [];
let result: BootstrapResult | undefined;

try {
  const config = loadConfig();
  result = await bootstrap({
    databaseUrls: SERVICE_NAMES.map((s) => config.services[s].databaseUrl),
    rabbitmqUrl: config.rabbitmq.url,
    temporalCli: config.temporal.cli,
    temporalServer: config.temporal.server,
    createDatabases: !checkOnly,
    progress: (line) => console.log(line),
  });
  if (checkOnly) console.log(`Chromium: ${await ensureChromium((line) => console.log(line))}`);
} catch (err) {
  if (!(err instanceof InfraError || err instanceof ConfigError)) throw err;
  problems.push(err.message);
}

if (problems.length > 0 || !result) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const created = result.createdDatabases.length ? ` (created ${result.createdDatabases.join(', ')})` : '';
console.log(checkOnly ? 'PostgreSQL reachable' : `PostgreSQL reachable; databases ready${created}`);
console.log('RabbitMQ reachable');
if (result.temporalServer === 'dev') console.log(`Temporal CLI: ${result.temporalCli}`);
else console.log(`Temporal server: ${result.temporalServerBinaries.server}; its SQL tool: ${result.temporalServerBinaries.sqlTool}`);
