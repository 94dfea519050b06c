// Reads the .cpuprofile files the service processes write under BENCH_PROFILE=1 and prints, per process, the frames
// with the most self time (summed per function, file and line), so the time a figure spent can be found in the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './platform.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  /** Microseconds on the monotonic clock, the one process.hrtime reads in every process of the machine. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  frame: string;
  selfMs: number;
  percent: number;
}

/** The monotonic clock in microseconds, as the profiles' timestamps read it. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Self time per frame (functionName url:line) from `fromUs` on, largest first; idle time left out. */
export function topFrames(profile: CpuProfile, fromUs = 0, limit = 15): { totalMs: number; frames: Frame[] } {
  const frameOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? ` ${url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url}:${lineNumber + 1}` : '';
    frameOf.set(node.id, `${functionName || '(anonymous)'}${where}`);
  }
  const self = new Map<string, number>();
  let total = 0;
  // timeDeltas[i] is the time since the sample before: it belongs to the frame sampled at i. Samples before `fromUs`
  // (the process starting, loading its modules) are not the figure's.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    const frame = frameOf.get(id)!;
    if (frame === '(idle)' || at < fromUs) return;
    total += us;
    self.set(frame, (self.get(frame) ?? 0) + us);
  });
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, us]) => ({ frame, selfMs: Math.round(us / 1000), percent: Math.round((us / Math.max(total, 1)) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), frames };
}

/** Which process each pid was, from the pid on the JSON log lines each process wrote to logs/<name>.log. */
function processNames(logDir: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log'))) {
    for (const match of readFileSync(join(logDir, file), 'utf8').matchAll(/"pid":(\d+)/g)) names.set(Number(match[1]), file.slice(0, -4));
  }
  return names;
}

export interface ProcessProfile {
  process: string;
  file: string;
  totalMs: number;
  frames: Frame[];
}

/** The profiles written since `since` (ms epoch), from `fromUs` (monotonic) on, named by process, busiest first. */
export function readProfiles(dir: string, logDir: string, since: number, fromUs: number): ProcessProfile[] {
  const names = processNames(logDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && statSync(join(dir, f)).mtimeMs >= since)
    .map((f) => {
      const pid = Number(f.split('.')[3]);
      const { totalMs, frames } = topFrames(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile, fromUs);
      return { process: names.get(pid) ?? `pid ${pid}`, file: join(dir, f), totalMs, frames };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

export function printProfiles(figure: string, profiles: ProcessProfile[]): void {
  for (const p of profiles) {
    console.log(`[bench] ${figure} profile of ${p.process}: ${p.totalMs} ms on CPU (${relative(ROOT, p.file)})`);
    for (const f of p.frames) console.log(`    ${String(f.selfMs).padStart(7)} ms ${String(f.percent).padStart(5)} %  ${f.frame}`);
  }
}
