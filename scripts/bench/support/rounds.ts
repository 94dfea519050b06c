// Alternated rounds: every side of a comparison runs once per round, the order turning each round, so a noisy
// neighbour or a warming cache hurts both sides alike; a side's figure is the median over its rounds.
import { median } from './stats.ts';

export interface Side<T> {
  name: string;
  run: () => Promise<T>;
}

export async function alternate<T>(
  rounds: number,
  sides: Side<T>[],
  describe: (result: T) => string,
  say: (line: string) => void,
): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = Object.fromEntries(sides.map((s) => [s.name, [] as T[]]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + round) % sides.length]!;
      const result = await side.run();
      results[side.name]!.push(result);
      say(`  round ${round + 1}/${rounds} ${side.name}: ${describe(result)}`);
    }
  }
  return results;
}

/** The median of one number over a side's rounds. */
export function medianOf<T>(results: T[], pick: (r: T) => number): number {
  return median(results.map(pick));
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
