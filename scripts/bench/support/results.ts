// The run's results: the table printed at the end and written to data/bench/results.md, and every figure's details
// with the machine and the commit in data/bench/results.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Row } from './figure.ts';
import { BENCH_DIR, DEPLOYMENT, ROOT, temporalInWords } from './platform.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  commit: string;
  dirty: boolean;
  date: string;
}

export function machine(): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: git('rev-parse', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain').length > 0,
    date: new Date().toISOString(),
  };
}

export function table(rows: Row[]): string {
  const lines = [
    '| Figure | What | Eventix | Reference | Ratio | Goal | Met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${r.what} | ${r.eventix} | ${r.reference} | ${r.ratioText ?? (r.ratio === undefined ? 'n/a' : String(r.ratio))} | ${r.goal} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`,
    ),
  ];
  return lines.join('\n');
}

export function writeResults(rows: Row[], details: Record<string, unknown>, m: Machine, durationS: number): { md: string; json: string } {
  mkdirSync(BENCH_DIR, { recursive: true });
  const json = join(BENCH_DIR, 'results.json');
  const md = join(BENCH_DIR, 'results.md');
  writeFileSync(
    json,
    `${JSON.stringify({ machine: m, deployment: DEPLOYMENT, temporal: temporalInWords(), durationS, rows, figures: details }, null, 2)}\n`,
  );
  const dirty = m.dirty ? ' (uncommitted changes)' : '';
  const note = `${m.date}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, commit ${m.commit.slice(0, 12)}${dirty}; ${DEPLOYMENT}; on ${temporalInWords()}; ${durationS} s.`;
  writeFileSync(md, `# Eventix benchmarks\n\n${note}\n\n${table(rows)}\n`);
  return { md, json };
}
