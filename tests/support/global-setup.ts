// Once per test run: the real PostgreSQL (fresh eventix_test_* databases), RabbitMQ (an exchange of its own),
// a Temporal dev server of its own on a free port, and the workflow bundle built once.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { SMTPServer } from 'smtp-server';
import type { TestProject } from 'vitest/node';
import { loadConfig, SERVICE_NAMES } from '../../common/config.ts';
import { bootstrap } from '../../common/infra/bootstrap.ts';
import { freePort } from '../../common/infra/ports.ts';
import { startTemporalDevServer } from '../../common/infra/temporal-cli.ts';
import { ensureGoTool } from '../../common/infra/go-tools.ts';
import { STRIPE_MOCK, startStripeMock } from '../../common/infra/stripe-mock.ts';
import { consumerQueues, recreateServiceDatabases } from '../../workers/services.ts';
import { bundleWorkflows } from '../../workers/temporal-worker.ts';
import { deadLetterExchange } from '../../common/messaging/queues.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: Record<string, string>;
    workflowBundlePath: string;
    stripeMockUrl: string;
    mailDir: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const log = (line: string) => console.log(`[test setup] ${line}`);
/** Two runs on one machine at once (say, two checkouts) set different EVENTIX_TEST_RUN values to keep apart. */
const RUN = process.env.EVENTIX_TEST_RUN ? `_${process.env.EVENTIX_TEST_RUN.replace(/[^a-z0-9]/gi, '').toLowerCase()}` : '';

export default async function setup(project: TestProject) {
  const base = loadConfig({});
  const postgresServer = new URL(base.services.users.databaseUrl);
  const testEnv: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    DATA_DIR: join(ROOT, 'data', `test${RUN}`),
    RABBITMQ_URL: process.env.RABBITMQ_URL ?? base.rabbitmq.url,
    RABBITMQ_EXCHANGE: `eventix.test.${process.pid}`,
    READY_CHECK_TIMEOUT_MS: '1500',
    GATEWAY_SECRET: randomBytes(32).toString('base64url'),
    // Every test signs in from 127.0.0.1; the rate-limit test sets its own small limits.
    LOGIN_LIMIT_PER_IP: '100000',
    LOGIN_LIMIT_PER_ACCOUNT: '1000',
  };
  for (const service of SERVICE_NAMES) {
    const url = new URL(postgresServer);
    url.pathname = `/eventix_test${RUN}_${service}`;
    testEnv[`${service.toUpperCase()}_DATABASE_URL`] = url.toString();
    testEnv[`${service.toUpperCase()}_PORT`] = '0';
  }
  const config = loadConfig(testEnv);
  const databaseUrls = SERVICE_NAMES.map((s) => config.services[s].databaseUrl);

  const infra = await bootstrap({
    databaseUrls,
    rabbitmqUrl: config.rabbitmq.url,
    temporalCli: process.env.TEMPORAL_CLI,
    createDatabases: false,
    progress: log,
  });

  const stripeMockBinary = await ensureGoTool(STRIPE_MOCK, process.env.STRIPE_MOCK, log);
  const [temporalStart, stripeMockStart] = await Promise.allSettled([
    startTemporalDevServer({ binary: infra.temporalCli, port: await freePort() }),
    startStripeMock({ binary: stripeMockBinary, port: await freePort() }),
  ]);
  if (temporalStart.status === 'rejected' || stripeMockStart.status === 'rejected') {
    for (const started of [temporalStart, stripeMockStart]) if (started.status === 'fulfilled') await started.value.stop();
    throw temporalStart.status === 'rejected' ? temporalStart.reason : (stripeMockStart as PromiseRejectedResult).reason;
  }
  const [temporal, stripeMock] = [temporalStart.value, stripeMockStart.value];
  let smtp: SMTPServer | undefined;
  try {
    const [bundle] = await Promise.all([bundleWorkflows(), recreateServiceDatabases(config)]);
    testEnv.TEMPORAL_ADDRESS = temporal.address;
    // Every email any service sends lands as a file in mailDir, whichever test process sent it.
    const mailDir = join(testEnv.DATA_DIR!, `mail-${process.pid}`);
    mkdirSync(mailDir, { recursive: true });
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          writeFileSync(join(mailDir, `${Date.now()}-${randomBytes(4).toString('hex')}.eml`), Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp!.listen(smtpPort, '127.0.0.1', resolve));
    testEnv.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
    project.provide('mailDir', mailDir);
    // The payments service offers Stripe too, pointed at stripe-mock.
    testEnv.STRIPE_SECRET_KEY = 'sk_test_eventix';
    testEnv.STRIPE_API_URL = stripeMock.url;
    mkdirSync(testEnv.DATA_DIR!, { recursive: true });
    const workflowBundlePath = join(testEnv.DATA_DIR!, 'workflow-bundle.js');
    writeFileSync(workflowBundlePath, bundle);
    project.provide('testEnv', testEnv);
    project.provide('workflowBundlePath', workflowBundlePath);
    project.provide('stripeMockUrl', stripeMock.url);
  } catch (err) {
    // Without this the servers would outlive a failed setup.
    smtp?.close();
    await Promise.all([temporal.stop(), stripeMock.stop()]);
    throw err;
  }

  return async () => {
    smtp?.close();
    await Promise.all([temporal.stop(), stripeMock.stop()]);
    const connection = await amqp.connect(config.rabbitmq.url);
    const channel = await connection.createChannel();
    for (const queue of consumerQueues(config)) await channel.deleteQueue(queue);
    await channel.deleteExchange(deadLetterExchange(config.rabbitmq.exchange));
    await channel.deleteExchange(config.rabbitmq.exchange);
    await connection.close();
  };
}
