// `npm run chaos`: the fault harness. Starts the platform as separate processes on databases, an exchange and a
// Temporal dev server of its own, runs each scenario (one fault under a bounded load), checks what must hold and
// writes the table to data/chaos/results.md (JSON beside it).
//   npm run chaos                       every scenario but the on-demand ones (they stop machine-wide services)
//   npm run chaos -- <name> [<name>…]   only these (an on-demand one included)
//   npm run chaos -- --all              every scenario, on-demand ones too
//   npm run chaos -- --list             the scenarios and their recovery bounds
//   --bookings <n>                      bookings in flight per scenario (default 40)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPlatform } from './chaos/processes.ts';
import { writeReport } from './chaos/report.ts';
import { runScenario, type ScenarioResult } from './chaos/run.ts';
import { SCENARIOS } from './chaos/scenarios.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOLD_TTL_SECONDS = 25;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { list: { type: 'boolean' }, all: { type: 'boolean' }, bookings: { type: 'string', default: '40' } },
});

if (values.list) {
  for (const s of SCENARIOS) {
    console.log(
      `${s.name.padEnd(44)} bound ${String(s.recoveryBoundMs / 1000).padStart(3)} s${s.onDemand ? '  (on demand)' : ''}  ${s.description}`,
    );
  }
  process.exit(0);
}

const unknown = positionals.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown scenario: ${unknown.join(', ')} (npm run chaos -- --list)`);
  process.exit(2);
}
const chosen = positionals.length
  ? SCENARIOS.filter((s) => positionals.includes(s.name))
  : SCENARIOS.filter((s) => values.all || !s.onDemand);
const bookings = Number(values.bookings);

const started = Date.now();
const platform = await startPlatform({ run: 'chaos', holdTtlSeconds: HOLD_TTL_SECONDS, slowCardMs: 5_000 });
const results: ScenarioResult[] = [];
let failed = false;
const stop = async () => {
  await platform.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  for (const scenario of chosen) {
    results.push(await runScenario(platform, scenario, { bookings, holdTtlSeconds: HOLD_TTL_SECONDS }));
    const note = `Last run ${new Date().toISOString()}, ${results.length} of ${chosen.length} scenarios, hold TTL ${HOLD_TTL_SECONDS} s, slow card 5 s, ${Math.round((Date.now() - started) / 60_000)} min so far.`;
    // Written after every scenario, so a run cut short keeps what it found; printed once at the end.
    writeReport(join(ROOT, 'data', 'chaos', 'results.md'), results, note, results.length === chosen.length);
  }
} catch (err) {
  failed = true;
  console.error(`[chaos] ${(err as Error).stack ?? String(err)}`);
} finally {
  await stop();
}
const broken = results.filter(
  (r) => r.error || r.verdict.violations.length || r.verdict.staleOutbox.length || r.verdict.clients.untold.length,
);
console.log(`[chaos] ${results.length} scenarios in ${Math.round((Date.now() - started) / 1000)} s; ${broken.length} with violations`);
process.exit(failed || broken.length ? 1 : 0);
