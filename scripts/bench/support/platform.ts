// The platform a benchmark run measures: every Eventix service as its own process (the fault harness's starter), on
// the eventix_bench_* databases recreated at start, an exchange and a Temporal dev server of its own, configured as a
// production deployment is (NODE_ENV=production, JSON logs at info). BENCH_PROFILE=1 runs each process under
// --cpu-prof, so a figure can be profiled from the files the processes write as they stop.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { parseSigningKeys, type SigningKeys } from '../../../common/auth/keys.ts';
import { loadConfig } from '../../../common/config.ts';
import { PROCESS_NAMES, startPlatform, type Platform } from '../../chaos/processes.ts';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BENCH_DIR = join(ROOT, 'data', 'bench');
export const PROFILE_DIR = join(BENCH_DIR, 'profiles');
/** How the services run, printed with every result so a reader knows what was measured. */
export const DEPLOYMENT = 'NODE_ENV=production, LOG_FORMAT=json, LOG_LEVEL=info, one process per service role';

const TEMPORALS = { dev: 'the Temporal dev server', server: 'Temporal server over PostgreSQL' } as const;

/** The Temporal the benchmarks run on: TEMPORAL_SERVER, as for `npm start` (`dev` unless told). */
export function temporalOfBench(): keyof typeof TEMPORALS {
  return loadConfig({ TEMPORAL_SERVER: process.env.TEMPORAL_SERVER }).temporal.server;
}

/** The Temporal a result was measured on, in words. */
export const temporalInWords = (): string => TEMPORALS[temporalOfBench()];

export interface BenchPlatform {
  platform: Platform;
  /** The users service's signing keys (the bench writes them), for the domain functions that open sessions. */
  keys: SigningKeys;
  eventsUrl: string;
  gatewayUrls: string[];
  logDir: string;
  profiling: boolean;
  /** Stops every service process with SIGTERM and starts it again (under --cpu-prof, each writes its profile). */
  restartServices(): Promise<void>;
  stop(): Promise<void>;
}

async function writeKeysFile(file: string): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const text = `${JSON.stringify({ keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk) }] })}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  return text;
}

/**
 * One benchmark platform at a time on a machine: each recreates the eventix_bench_* databases at start, so a second
 * run would wipe the first one's events and sessions in the middle of its figures. The lock names the run holding it;
 * a lock left by a run that died is taken over.
 */
function takeBenchLock(): () => void {
  const file = join(BENCH_DIR, 'run.lock');
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder))
        throw new Error(`another benchmark (process ${holder}) is running on the eventix_bench_* databases; wait for it, or stop it first`);
      rmSync(file, { force: true });
    }
  }
  const release = () => rmSync(file, { force: true });
  process.once('exit', release);
  return release;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startBenchPlatform(options: { profile: boolean; say: (line: string) => void }): Promise<BenchPlatform> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const releaseLock = takeBenchLock();
  const keysFile = join(BENCH_DIR, 'auth-keys.json');
  const keys = await parseSigningKeys(await writeKeysFile(keysFile), keysFile);
  if (options.profile) mkdirSync(PROFILE_DIR, { recursive: true });
  const temporal = temporalOfBench();
  options.say(`starting the platform (${DEPLOYMENT}, ${TEMPORALS[temporal]}${options.profile ? ', under --cpu-prof' : ''})…`);
  const platform = await startPlatform({
    run: 'bench',
    temporal,
    // Holds outlive every figure: none expires while a figure still counts it.
    holdTtlSeconds: 1_800,
    slowCardMs: 30_000,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      AUTH_KEYS_FILE: keysFile,
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
      TEST_GATEWAY: 'on',
      // Every customer of the load comes from 127.0.0.1.
      LOGIN_LIMIT_PER_IP: '100000000',
      ACCESS_TOKEN_TTL_SECONDS: '14400',
      ...(options.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {}),
    },
  }).catch((err: unknown) => {
    releaseLock();
    throw err;
  });
  const logDir = join(platform.dataDir, 'logs');
  return {
    platform,
    keys,
    eventsUrl: platform.config.services.events.urls[0]!,
    gatewayUrls: platform.gatewayUrls,
    logDir,
    profiling: options.profile,
    async restartServices() {
      for (const name of [...PROCESS_NAMES].reverse()) await platform.kill(name, 'SIGTERM');
      await platform.ensureRunning();
    },
    stop: () => platform.stop().finally(releaseLock),
  };
}
