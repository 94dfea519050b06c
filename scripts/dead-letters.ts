// `npm run dead-letters`: the facts waiting in the dead-letter queues of the platform's consumer queues, and the way
// back to their queue. Reads RABBITMQ_URL and RABBITMQ_EXCHANGE as the services do.
import { parseArgs } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { ConfigError, loadConfig } from '../common/config.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterQueue } from '../common/messaging/dead-letters.ts';
import { deadLetterQueue, queueName } from '../common/messaging/queues.ts';
import { redactUrl } from '../common/redact.ts';
import { SERVICES } from '../workers/services.ts';

const USAGE = `Usage:
  npm run dead-letters [-- list [--json] [--peek N]]
      Each consumer queue of the platform with the messages in its dead-letter queue: message id, routing key, why
      and when it was dead-lettered, deliveries, replays and the first bytes of the body. Nothing is moved.
  npm run dead-letters -- replay <queue> [--message <id>]
      Moves the messages waiting in <queue>.dead-letter back to <queue> (only <id> with --message), one line per
      message moved. <queue> is the full name or <service>.<purpose>, e.g. bookings.event-catalog. Each message is
      confirmed in <queue> before its dead-letter copy is removed; a replay cut short leaves at worst a duplicate,
      which the consumer's inbox ignores. A message that fails again returns to the dead-letter queue.

Reads RABBITMQ_URL and RABBITMQ_EXCHANGE like the services. Exit status: 0 done, 1 failed or message not found,
2 wrong usage or unknown queue.`;

/** Wrong usage: the message, then how to use it (unless it already says what to give instead). */
class UsageError extends Error {
  readonly showUsage: boolean;
  constructor(message: string, showUsage = true) {
    super(message);
    this.showUsage = showUsage;
  }
}

function readArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        peek: { type: 'string' },
        message: { type: 'string', short: 'm' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = readArgs();
  const [command = 'list', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const { exchange } = config.rabbitmq;
  const queues = Object.values(SERVICES).flatMap((service) =>
    service.purposes.map((purpose) => queueName(exchange, service.name, purpose)),
  );
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no queue, got "${rest.join(' ')}"`);
    const peek = values.peek === undefined ? 50 : Number(values.peek);
    if (!Number.isInteger(peek) || peek < 0) throw new UsageError(`--peek expects a whole number, got "${values.peek}"`);
    return withBroker(config.rabbitmq.url, async (model) => {
      const listed = await listDeadLetters(model, queues, { peek });
      console.log(values.json ? JSON.stringify(listed, null, 2) : table(listed, exchange));
      return 0;
    });
  }
  if (command === 'replay') {
    if (rest.length !== 1) throw new UsageError('replay takes one queue: npm run dead-letters -- replay <queue> [--message <id>]');
    const queue = resolveQueue(rest[0]!, exchange, queues);
    return withBroker(config.rabbitmq.url, async (model) => {
      const { moved, skipped, consumers } = await replayDeadLetters(model, queue, {
        messageId: values.message,
        onMoved: (m) => console.log(`moved ${m.messageId ?? '(no id)'} [${m.routingKey}] ${m.from} -> ${m.to}`),
      });
      for (const s of skipped) console.log(`left ${s.messageId ?? '(no id)'} in ${deadLetterQueue(queue)}: ${s.why}`);
      console.log(`${moved.length} message${moved.length === 1 ? '' : 's'} moved to ${queue}`);
      if (moved.length > 0 && consumers === 0) console.log(`${queue} has no consumer now: they wait there until its service runs`);
      return skipped.length ? 1 : 0;
    });
  }
  throw new UsageError(`unknown command "${command}"`);
}

/** The full queue name, from itself, `<service>.<purpose>` or its dead-letter queue's name. */
function resolveQueue(given: string, exchange: string, queues: string[]): string {
  const name = given.replace(/\.dead-letter$/, '');
  const queue = queues.find((q) => q === name || q === `${exchange}.${name}`);
  if (!queue) {
    const known = queues.map((q) => `  ${q.slice(exchange.length + 1)}  (${q})`).join('\n');
    throw new UsageError(`unknown queue "${given}" on exchange ${exchange}; the platform's consumer queues are:\n${known}`, false);
  }
  return queue;
}

async function withBroker(url: string, work: (model: ChannelModel) => Promise<number>): Promise<number> {
  let model: ChannelModel;
  try {
    model = await amqp.connect(url);
  } catch (err) {
    throw new Error(`RabbitMQ is not reachable at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await work(model);
  } finally {
    await model.close().catch(() => undefined);
  }
}

function table(listed: DeadLetterQueue[], exchange: string): string {
  const lines = [`Dead-letter queues on exchange ${exchange}:`, ''];
  lines.push(...columns([['QUEUE', 'DEAD LETTERS', 'CONSUMERS'], ...listed.map(summary)]), '');
  for (const q of listed.filter((l) => l.messages.length)) {
    const shown = q.messages.length < q.depth ? ` (first ${q.messages.length} of ${q.depth})` : '';
    lines.push(`${q.deadLetterQueue}${shown}:`);
    lines.push(...columns([HEADINGS, ...q.messages.map(row)]).map((l) => `  ${l}`), '');
  }
  if (listed.every((l) => l.depth === 0)) lines.push('No dead letters.');
  else lines.push('Replay with: npm run dead-letters -- replay <queue> [--message <id>]');
  return lines.join('\n');
}

const summary = (q: DeadLetterQueue): string[] =>
  q.declared ? [q.queue, String(q.depth), String(q.consumers)] : [q.queue, 'not declared (its service has not started)', '-'];

const HEADINGS = ['MESSAGE ID', 'TYPE', 'ROUTING KEY', 'REASON', 'DEAD-LETTERED AT', 'DELIVERIES', 'REPLAYS', 'BODY'];

function row(m: DeadLetter): string[] {
  // One line per message: control characters in a body would break the table.
  const shown = m.body.slice(0, 80).replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1));
  const body = shown + (m.bodyBytes > Buffer.byteLength(m.body) || m.body.length > 80 ? '…' : '');
  return [
    m.messageId ?? '-',
    m.type ?? '-',
    m.routingKey ?? '-',
    m.reason ?? '-',
    m.deadLetteredAt?.toISOString() ?? '-',
    m.deliveries === undefined ? '-' : String(m.deliveries),
    String(m.replays),
    body,
  ];
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.showUsage ? `${err.message}\n\n${USAGE}` : err.message);
      process.exit(2);
    }
    if (err instanceof DomainError && err.code === 'DEAD_LETTER_QUEUE_UNKNOWN') {
      console.error(`${err.message}; has its service started on this exchange?`);
      process.exit(2);
    }
    const message = err instanceof ConfigError || err instanceof DomainError ? err.message : `dead letters: ${(err as Error).message}`;
    console.error(message);
    process.exit(1);
  },
);
