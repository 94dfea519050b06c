// Secrets that development generates once and keeps in the data folder; production must configure them instead.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config.ts';

/**
 * Reads `file`, creating it first with `create()` when it does not exist. Safe when several processes
 * start at once: the first complete file wins and every process reads that one.
 */
export async function persistentSecret(file: string, create: () => Promise<string> | string): Promise<string> {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, await create(), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(draft);
  }
  return readFileSync(file, 'utf8');
}

export function secretsDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'secrets');
}

/** The secret the gateway sends with every forwarded request, so services can trust the client address it names. */
export async function gatewaySecret(config: Pick<Config, 'dataDir' | 'auth'>): Promise<string> {
  if (config.auth.gatewaySecret) return config.auth.gatewaySecret;
  const value = await persistentSecret(join(secretsDir(config), 'gateway-secret'), () => randomBytes(32).toString('base64url'));
  return value.trim();
}
