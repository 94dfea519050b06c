// `npm run bench`: the benchmark suite. Starts the platform as separate processes on databases, an exchange and a
// Temporal server of its own, runs the figures in order (or the ones named), prints one table of Eventix against the
// references measured in the same run, and writes data/bench/results.json and data/bench/results.md.
//   node scripts/bench.ts              every figure
//   node scripts/bench.ts P1 P4        only these
//   node scripts/bench.ts --list       the figures
//   BENCH_PROFILE=1 node scripts/bench.ts P1   the services under --cpu-prof; the top frames per process after each figure
// Sizes: BENCH_ROUNDS (3), BENCH_P1_SECONDS (5), BENCH_P4_CUSTOMERS (2000), BENCH_P8_SEATS (2000), BENCH_P9_CUSTOMERS (10000) and BENCH_P9_SEATS (1000); see each figure.
import { parseArgs } from 'node:util';
import { p1 } from './bench/p1.ts';
import { p2 } from './bench/p2.ts';
import { p3 } from './bench/p3.ts';
import { p4 } from './bench/p4.ts';
import { p5 } from './bench/p5.ts';
import { p6 } from './bench/p6.ts';
import { p7 } from './bench/p7.ts';
import { p8 } from './bench/p8.ts';
import { p9 } from './bench/p9.ts';
import { latency } from './bench/latency.ts';
import { CustomerPool } from './bench/support/customers.ts';
import type { BenchContext, Figure, Row } from './bench/support/figure.ts';
import { DEPLOYMENT, PROFILE_DIR, startBenchPlatform, temporalInWords, type BenchPlatform } from './bench/support/platform.ts';
import { monotonicUs, printProfiles, readProfiles } from './bench/support/profile.ts';
import { machine, table, writeResults } from './bench/support/results.ts';
import { startSkeleton, type Skeleton } from './bench/support/skeleton.ts';

const FIGURES: Figure[] = [p1, p2, p3, p4, p5, p6, p7, p8, p9, latency];
const say = (line: string) => console.log(`[bench] ${line}`);

const { values, positionals } = parseArgs({ allowPositionals: true, options: { list: { type: 'boolean' } } });
if (values.list) {
  for (const f of FIGURES) console.log(`${f.id.padEnd(4)} ${f.title}`);
  process.exit(0);
}
const wanted = positionals.map((p) => p.toUpperCase());
const unknown = wanted.filter((id) => !FIGURES.some((f) => f.id === id));
if (unknown.length) {
  console.error(`unknown figure: ${unknown.join(', ')} (node scripts/bench.ts --list)`);
  process.exit(2);
}
const chosen = wanted.length ? FIGURES.filter((f) => wanted.includes(f.id)) : FIGURES;
const profiling = process.env.BENCH_PROFILE === '1';

const started = Date.now();
const rows: Row[] = [];
const details: Record<string, unknown> = {};
let failed = false;

async function runFigure(figure: Figure, ctx: BenchContext | undefined): Promise<void> {
  say(`${figure.id}: ${figure.title}`);
  const since = Date.now();
  try {
    if (figure.needsPlatform && ctx?.bench.profiling) {
      // Fresh processes: their profiles then hold this figure and nothing before it.
      say(`${figure.id}: restarting the services so their profiles cover this figure only…`);
      await ctx.bench.restartServices();
    }
    const mark = Date.now();
    const markUs = monotonicUs();
    const result = await figure.run(ctx!);
    rows.push(...result.rows);
    details[figure.id] = result.details;
    say(`${figure.id} done in ${Math.round((Date.now() - since) / 1000)} s`);
    if (figure.needsPlatform && ctx?.bench.profiling) {
      await ctx.bench.restartServices();
      printProfiles(figure.id, readProfiles(PROFILE_DIR, ctx.bench.logDir, mark, markUs));
    }
  } catch (err) {
    failed = true;
    const message = (err as Error).stack ?? String(err);
    console.error(`[bench] ${figure.id} failed: ${message}`);
    rows.push({ figure: figure.id, what: figure.title, eventix: 'failed', reference: '', ratio: undefined, goal: '', met: false });
    details[figure.id] = { error: (err as Error).message };
  }
}

let bench: BenchPlatform | undefined;
let skeleton: Promise<Skeleton> | undefined;
try {
  const onPlatform = chosen.filter((f) => f.needsPlatform);
  if (onPlatform.length) {
    bench = await startBenchPlatform({ profile: profiling, say });
    const b = bench;
    const ctx: BenchContext = {
      bench: b,
      customers: new CustomerPool(b, say),
      skeleton: () => (skeleton ??= startSkeleton(b.platform.temporal.client, b.platform.config.temporal.address, say)),
      say,
      memo: new Map(),
    };
    process.once('SIGINT', () => void b.stop().then(() => process.exit(130)));
    for (const figure of onPlatform) await runFigure(figure, ctx);
  }
} finally {
  if (skeleton) await (await skeleton.catch(() => undefined))?.stop();
  if (bench) {
    say('stopping the platform…');
    await bench.stop();
  }
}
// Figures that start their own services run once the platform has gone, so the machine is theirs.
for (const figure of chosen.filter((f) => !f.needsPlatform)) await runFigure(figure, undefined);

const durationS = Math.round((Date.now() - started) / 1000);
const files = writeResults(rows, details, machine(), durationS);
console.log(`\nEventix benchmarks (${DEPLOYMENT}; on ${temporalInWords()}; ratios against references measured in this run)\n`);
console.log(table(rows));
console.log(`\n[bench] ${durationS} s; results in ${files.md} and ${files.json}`);
process.exit(failed ? 1 : 0);
