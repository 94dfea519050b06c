// Figure L, change latency: scripts/bench-latency.ts (a seat change to the availability stream; a logout to the
// gateway refusing the token, each beside its own floor). It starts its own services on the bench databases, so it
// runs as its own process once the platform has stopped; its figures are read from the data/bench/latency.json it writes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './support/figure.ts';
import { BENCH_DIR, ROOT } from './support/platform.ts';
import { fmt } from './support/figure.ts';

const SCRIPT = join(ROOT, 'scripts', 'bench-latency.ts');
const RESULT = join(BENCH_DIR, 'latency.json');

type Summary = { p50: number; p99: number };
interface LatencyResult {
  seatChange: { latencyMs: Summary; floorMs: Summary; ratio: Summary };
  revocation: { refusedAfterMs: Summary; roundTripMs: Summary; acceptedAfterLogout: number; ratio: Summary };
}

export const latency: Figure = {
  id: 'L',
  title: 'seat change → availability stream; logout → gateway refusal (scripts/bench-latency.ts)',
  needsPlatform: false,
  async run() {
    if (!existsSync(SCRIPT)) throw new Error('scripts/bench-latency.ts is not there');
    const since = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [SCRIPT], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: join(ROOT, 'data') },
        stdio: 'inherit',
      });
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`scripts/bench-latency.ts exited with ${code}`);
    if (!existsSync(RESULT) || statSync(RESULT).mtimeMs < since) throw new Error(`scripts/bench-latency.ts wrote no ${RESULT}`);
    const r = JSON.parse(readFileSync(RESULT, 'utf8')) as LatencyResult;
    const s = (x: Summary) => `p50 ${fmt(x.p50)} ms, p99 ${fmt(x.p99)} ms`;
    return {
      rows: [
        {
          figure: 'L seat',
          what: 'seat change → availability stream',
          eventix: s(r.seatChange.latencyMs),
          reference: `NOTIFY → bare SSE ${s(r.seatChange.floorMs)}`,
          ratio: r.seatChange.ratio.p99,
          ratioText: `p50 ${r.seatChange.ratio.p50}×, p99 ${r.seatChange.ratio.p99}×`,
          goal: '',
          met: undefined,
        },
        {
          figure: 'L logout',
          what: 'logout → gateway refuses the token',
          eventix: `${s(r.revocation.refusedAfterMs)}, accepted after logout ${r.revocation.acceptedAfterLogout}`,
          reference: `round trip via gateway ${s(r.revocation.roundTripMs)}`,
          ratio: r.revocation.ratio.p99,
          ratioText: `p50 ${r.revocation.ratio.p50}×, p99 ${r.revocation.ratio.p99}×`,
          goal: '',
          met: undefined,
        },
      ],
      details: r as unknown as Record<string, unknown>,
    };
  },
};
