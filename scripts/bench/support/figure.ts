// What every figure module provides and receives: a row (or a few) for the table with its reference and goal, the
// details for the JSON, and the shared pieces of a run (the platform, customers, the saga skeleton).
import type { Skeleton } from './skeleton.ts';
import type { CustomerPool } from './customers.ts';
import type { BenchPlatform } from './platform.ts';

export interface Row {
  figure: string;
  /** What the row measures, for the table. */
  what: string;
  eventix: string;
  reference: string;
  /** Eventix ÷ reference (or a difference, for the rows whose goal is one); undefined when nothing to compare. */
  ratio: number | undefined;
  ratioText?: string;
  goal: string;
  /** Whether the goal is met; undefined when the row has no goal. */
  met: boolean | undefined;
}

export interface FigureResult {
  rows: Row[];
  details: Record<string, unknown>;
}

export interface BenchContext {
  bench: BenchPlatform;
  customers: CustomerPool;
  /** The saga skeleton, started on first use. */
  skeleton(): Promise<Skeleton>;
  say: (line: string) => void;
  /** Measurements one figure leaves for another (P6 reads P5's C=1 run when both run). */
  memo: Map<string, unknown>;
}

export interface Figure {
  id: string;
  title: string;
  /** False for a figure that starts what it needs itself (it runs after the platform has stopped). */
  needsPlatform: boolean;
  run(ctx: BenchContext): Promise<FigureResult>;
}

/** Numbers sized for the table: thousands separated, at most one decimal. */
export function fmt(value: number | undefined, unit = ''): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits })}${unit}`;
}

/** A size from the environment (BENCH_…), or the default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
