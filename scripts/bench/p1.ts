// P1, a service read: GET /events/:id on the events service itself, 50 connections, with a bearer token and without,
// against a bare node:http server and plain Hono answering the same bytes (captured from Eventix first), each a
// process of its own. Ratio P1 = Eventix ÷ node:http.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, type Figure } from './support/figure.ts';
import { HttpClient, describeLoad, httpLoad, type HttpLoadResult } from './support/load.ts';
import { alternate, medianOf, ROUNDS } from './support/rounds.ts';
import { ratio } from './support/stats.ts';

const REFERENCE = fileURLToPath(new URL('./support/reference-server.ts', import.meta.url));
/** Headers a server sets per connection or per answer, not part of the bytes a reference must repeat. */
const PER_ANSWER = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export interface CapturedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A reference server process answering `answer`; resolves with its origin once it listens. */
export async function startReference(kind: 'node' | 'hono', answer: CapturedAnswer): Promise<{ origin: string; stop: () => void }> {
  const child = spawn(process.execPath, [REFERENCE], {
    env: { ...process.env, REF_KIND: kind, REF_ANSWER: JSON.stringify(answer) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the ${kind} reference server exited (${code})`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** The answer exactly as Eventix gives it, minus what every server sets per answer. */
export async function capture(origin: string, path: string, headers: Record<string, string>): Promise<CapturedAnswer> {
  const client = new HttpClient(origin, 1);
  try {
    const res = await client.send({ path, headers });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.toString().slice(0, 200)}`);
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (!PER_ANSWER.has(name) && value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: res.status, headers: kept, body: res.body.toString('base64') };
  } finally {
    client.close();
  }
}

export const p1: Figure = {
  id: 'P1',
  title: 'a service read, GET /events/:id on the events service',
  needsPlatform: true,
  async run(ctx) {
    const seconds = envNumber('BENCH_P1_SECONDS', 5);
    const connections = envNumber('BENCH_P1_CONNECTIONS', 50);
    const event = await eventOnSale(ctx.bench.platform, 20);
    const [customer] = await ctx.customers.take(1);
    const path = `/events/${event.eventId}`;
    const auth = { authorization: `Bearer ${customer!.token}` };
    const answer = await capture(ctx.bench.eventsUrl, path, auth);
    ctx.say(`P1: the answer is ${Buffer.from(answer.body, 'base64').length} bytes with ${Object.keys(answer.headers).length} headers`);
    const node = await startReference('node', answer);
    const hono = await startReference('hono', answer);
    try {
      const load = (origin: string, headers: Record<string, string>) => () =>
        httpLoad({ origin, connections, durationMs: seconds * 1000, warmupMs: 1_000, request: { path, headers } });
      ctx.say(`P1: ${ROUNDS} rounds of ${seconds} s per side at ${connections} connections`);
      const r = await alternate<HttpLoadResult>(
        ROUNDS,
        [
          { name: 'eventix', run: load(ctx.bench.eventsUrl, auth) },
          { name: 'node:http', run: load(node.origin, auth) },
          { name: 'hono', run: load(hono.origin, auth) },
          { name: 'eventix, no token', run: load(ctx.bench.eventsUrl, {}) },
        ],
        describeLoad,
        ctx.say,
      );
      const summary = (name: string) => ({
        perSecond: medianOf(r[name]!, (x) => x.perSecond),
        p50: medianOf(r[name]!, (x) => x.latencyMs.p50),
        p99: medianOf(r[name]!, (x) => x.latencyMs.p99),
      });
      const [eventix, bare, plainHono, anonymous] = ['eventix', 'node:http', 'hono', 'eventix, no token'].map(summary) as [
        ReturnType<typeof summary>,
        ReturnType<typeof summary>,
        ReturnType<typeof summary>,
        ReturnType<typeof summary>,
      ];
      const line = (s: ReturnType<typeof summary>) => `${fmt(s.perSecond)} req/s, p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms`;
      const p1Ratio = ratio(eventix.perSecond, bare.perSecond);
      const honoRatio = ratio(eventix.perSecond, plainHono.perSecond);
      const anonRatio = ratio(anonymous.perSecond, bare.perSecond);
      ctx.say(`P1: Eventix ${line(eventix)}; node:http ${line(bare)}; Hono ${line(plainHono)}; no token ${line(anonymous)}`);
      return {
        rows: [
          {
            figure: 'P1',
            what: `GET /events/:id, token, ${connections} conn`,
            eventix: line(eventix),
            reference: `node:http ${line(bare)}`,
            ratio: p1Ratio,
            goal: '≥ 0.5',
            met: p1Ratio !== undefined && p1Ratio >= 0.5,
          },
          {
            figure: 'P1 hono',
            what: 'the same read ÷ plain Hono',
            eventix: line(eventix),
            reference: `Hono ${line(plainHono)}`,
            ratio: honoRatio,
            goal: '',
            met: undefined,
          },
          {
            figure: 'P1 anon',
            what: 'the same read without a token',
            eventix: line(anonymous),
            reference: `node:http ${line(bare)}`,
            ratio: anonRatio,
            goal: '',
            met: undefined,
          },
        ],
        details: { connections, seconds, rounds: r, answerBytes: Buffer.from(answer.body, 'base64').length, headers: answer.headers },
      };
    } finally {
      node.stop();
      hono.stop();
    }
  },
};
