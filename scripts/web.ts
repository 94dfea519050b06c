// What the box office needs on this machine: its build (data/web, made from web/ when missing or older than its
// sources) for `npm start`, and Debian's Chromium for its browser tests (`npm test` installs it when missing).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../common/infra/system.ts';

const ROOT = join(import.meta.dirname, '..');
const BUILT = join(ROOT, 'data', 'web', 'index.html');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestIn(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestIn(join(path, name))));
}

/** The build is there and newer than every source of it. */
export function webBuildIsCurrent(): boolean {
  if (!existsSync(BUILT)) return false;
  const sources = Math.max(newestIn(join(ROOT, 'web')), newestIn(join(ROOT, 'vite.web.config.ts')));
  return statSync(BUILT).mtimeMs >= sources;
}

/** Generates the API types and builds the app into data/web. */
export function buildWeb(progress: (line: string) => void): void {
  progress('building the web box office (npm run web:build)…');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'web-api-types.ts')], { cwd: ROOT, stdio: 'ignore' });
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  progress('web box office built into data/web');
}

export function ensureWebBuild(progress: (line: string) => void): void {
  if (!webBuildIsCurrent()) buildWeb(progress);
}

/** Runs a command, printing a line every 15 s while it works; rejects with its output's tail if it fails. */
function run(command: string, args: string[], what: string, progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started = Date.now();
    const ticker = setInterval(() => progress(`still ${what}… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
    child.on('error', (err) => (clearInterval(ticker), reject(err)));
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new InfraError(`${command} ${args.join(' ')} failed (exit ${code}):\n${output}`));
    });
  });
}

/** Debian's Chromium for the browser tests: installed with apt-get when missing (as root), or a clear refusal. */
export async function ensureChromium(progress: (line: string) => void): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new InfraError(
      `The browser tests need Chromium at ${CHROMIUM}: install it with \`sudo apt-get install chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  progress("installing Debian's chromium for the browser tests (apt-get install chromium; about a minute)");
  await run('apt-get', ['update', '-qq'], 'updating the package lists', progress);
  await run('apt-get', ['install', '-y', '-qq', 'chromium'], 'installing chromium', progress);
  if (!existsSync(CHROMIUM)) throw new InfraError(`apt-get installed chromium, but ${CHROMIUM} is not there`);
  return CHROMIUM;
}
