// Tools Eventix builds from their Go module when they are missing (the Temporal CLI, stripe-mock, Temporal server and
// its SQL tool): found through an environment variable, PATH or Go's bin folder, else built with `go install` with a
// progress line every 15 s.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError, which } from './system.ts';

export interface GoTool {
  /** How messages name it, e.g. "the Temporal CLI". */
  title: string;
  /** The executable's file name in Go's bin folder (go install names it after the module's last folder). */
  binary: string;
  /** Names to look for on PATH instead of `binary`, when that name is too common to trust there. */
  pathNames?: string[];
  /** A command line that prints the version, and what its output contains for the version Eventix wants: a binary
   * that answers otherwise (an older build, another program of the same name) counts as missing and is rebuilt. */
  versionCheck?: { args: string[]; expect: string };
  /** `module@version` for go install. */
  module: string;
  /** The variable that names an existing binary. */
  envVar: string;
  /** What a first build costs, for the progress line. */
  buildTime: string;
  /** What to do without Go, said when it is missing. */
  withoutGo: string;
}

function goBinDir(): string | undefined {
  if (!which('go')) return undefined;
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  return gopath ? join(gopath.split(':')[0] ?? gopath, 'bin') : undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function rightVersion(tool: GoTool, path: string): boolean {
  if (!tool.versionCheck) return true;
  const run = spawnSync(path, tool.versionCheck.args, { encoding: 'utf8', timeout: 10_000 });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.includes(tool.versionCheck.expect);
}

/** The configured binary, else the one on PATH, else the one `go install` left in Go's bin folder. */
export function findGoTool(tool: GoTool, configured?: string): string | undefined {
  if (configured) {
    if (!executable(configured)) throw new InfraError(`${tool.envVar} is set to ${configured}, which is not an executable file`);
    return configured;
  }
  for (const name of tool.pathNames ?? [tool.binary]) {
    const onPath = which(name);
    if (onPath && rightVersion(tool, onPath)) return onPath;
  }
  const goBin = goBinDir();
  const built = goBin && join(goBin, tool.binary);
  return built && existsSync(built) && executable(built) && rightVersion(tool, built) ? built : undefined;
}

/** Returns the tool, building it with Go when it is missing; `progress` gets a line every 15 s of the build. */
export async function ensureGoTool(tool: GoTool, configured: string | undefined, progress: (line: string) => void): Promise<string> {
  const existing = findGoTool(tool, configured);
  if (existing) return existing;
  const name = capitalised(tool.title.replace(/^the /, ''));
  if (!which('go')) throw new InfraError(`${name} not found and Go is not installed: ${tool.withoutGo}`);
  const started = Date.now();
  progress(`building ${tool.title} (go install ${tool.module}); the first build takes ${tool.buildTime}`);
  const child = spawn('go', ['install', tool.module], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const timer = setInterval(() => progress(`still building ${tool.title}… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      resolve(null);
    });
    child.once('close', resolve);
  });
  clearInterval(timer);
  const built = findGoTool(tool);
  if (code !== 0 || !built) {
    const lastLine = stderr.trim().split('\n').pop() ?? '';
    throw new InfraError(`could not build ${tool.title} (go install exited ${code}): ${lastLine}`);
  }
  progress(`built ${tool.title} in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}
