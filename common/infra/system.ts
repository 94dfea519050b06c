// What the machine offers the infrastructure checks: commands on PATH, and the error those checks raise.
import { spawnSync } from 'node:child_process';

/** A missing or broken piece of infrastructure, told in one line (or one line per piece) with what to do. */
export class InfraError extends Error {
  override name = 'InfraError';
}

/** The path of `command` on PATH, or undefined (also when there is no shell to ask). */
export function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout?.trim();
  return found.status === 0 && path ? path : undefined;
}
