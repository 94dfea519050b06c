// TEMPORAL_SERVER=server without the server itself: the setting, how its two binaries are found or refused, and the
// SQL tool's command lines. A cold build of Temporal server takes longer than the suite should spend on it, so the
// server is run by `npm start` and the benchmarks only (see the README).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../common/config.ts';
import { InfraError } from '../common/infra/system.ts';
import { dropTemporalDatabases, prepareTemporalSchema, TEMPORAL_SERVER_VERSION } from '../common/infra/temporal-server.ts';

const MODULE = fileURLToPath(new URL('../common/infra/temporal-server.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventix-temporal-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Runs ensureTemporalServer in a process of its own whose PATH is `path` (no Go on it) and answers what it printed. */
function ensureWith(path: string, env: Record<string, string> = {}): string {
  const code = `import { ensureTemporalServer } from ${JSON.stringify(MODULE)};
    ensureTemporalServer(() => {}).then((b) => console.log('found ' + b.server + ' ' + b.sqlTool), (err) => console.log(err.name + ': ' + err.message));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { PATH: path, HOME: '/nonexistent', ...env },
    encoding: 'utf8',
  });
  return run.stdout.trim();
}

describe('TEMPORAL_SERVER', () => {
  it('is the dev server unless set to server, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).temporal.server).toBe('dev');
    expect(loadConfig({ TEMPORAL_SERVER: 'server' }).temporal.server).toBe('server');
    expect(() => loadConfig({ TEMPORAL_SERVER: 'postgres' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_SERVER: 'postgres' })).toThrow(/TEMPORAL_SERVER/);
  });
});

describe("Temporal server's binaries", () => {
  const system = '/usr/bin:/bin';

  it('takes release binaries on PATH when they are the wanted version', () => {
    const bin = join(dir, 'right');
    mkdirSync(bin);
    script(join(bin, 'temporal-server'), `echo "temporal version ${TEMPORAL_SERVER_VERSION}"`);
    script(join(bin, 'temporal-sql-tool'), `echo "temporal-sql-tool version ${TEMPORAL_SERVER_VERSION}"`);
    expect(ensureWith(`${bin}:${system}`)).toBe(`found ${bin}/temporal-server ${bin}/temporal-sql-tool`);
  });

  it('passes over another version, and over a program merely called server, and says how to do without Go', () => {
    const bin = join(dir, 'wrong');
    mkdirSync(bin);
    script(join(bin, 'temporal-server'), 'echo "temporal version 1.20.0"');
    script(join(bin, 'server'), `echo "some server ${TEMPORAL_SERVER_VERSION}"`);
    script(join(bin, 'temporal-sql-tool'), `echo "temporal-sql-tool version ${TEMPORAL_SERVER_VERSION}"`);
    expect(ensureWith(`${bin}:${system}`)).toMatch(
      /^InfraError: Temporal server not found and Go is not installed: .*TEMPORAL_SERVER_BINARY and TEMPORAL_SQL_TOOL, or use TEMPORAL_SERVER=dev\.$/,
    );
  });

  it('uses TEMPORAL_SERVER_BINARY and TEMPORAL_SQL_TOOL as given, and refuses one that is not executable', () => {
    const server = script(join(dir, 'my-server'), 'exit 0');
    const sqlTool = script(join(dir, 'my-sql-tool'), 'exit 0');
    expect(ensureWith(system, { TEMPORAL_SERVER_BINARY: server, TEMPORAL_SQL_TOOL: sqlTool })).toBe(`found ${server} ${sqlTool}`);
    const notExecutable = join(dir, 'not-executable');
    writeFileSync(notExecutable, 'not a program');
    expect(ensureWith(system, { TEMPORAL_SERVER_BINARY: notExecutable, TEMPORAL_SQL_TOOL: sqlTool })).toBe(
      `InfraError: TEMPORAL_SERVER_BINARY is set to ${notExecutable}, which is not an executable file`,
    );
  });
});

describe("Temporal's schema", () => {
  const databases = { postgresUrl: 'postgres://temporal:s3cret@db.internal:6543/anything', prefix: 'eventix_temporal_t1' };

  it('creates, versions and upgrades both databases with the embedded schemas, the password kept off the command line', async () => {
    const calls = join(dir, 'calls.txt');
    const tool = script(
      join(dir, 'sql-tool'),
      `echo "$SQL_PLUGIN $SQL_HOST:$SQL_PORT $SQL_USER/$SQL_PASSWORD $SQL_DATABASE | $*" >> ${JSON.stringify(calls)}`,
    );
    await prepareTemporalSchema(tool, databases);
    await dropTemporalDatabases(tool, databases);
    const connection = 'postgres12 db.internal:6543 temporal/s3cret';
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      `${connection} eventix_temporal_t1 | create-database --defaultdb postgres`,
      `${connection} eventix_temporal_t1 | setup-schema -v 0.0`,
      `${connection} eventix_temporal_t1 | update-schema --schema-name postgresql/v12/temporal`,
      `${connection} eventix_temporal_t1_visibility | create-database --defaultdb postgres`,
      `${connection} eventix_temporal_t1_visibility | setup-schema -v 0.0`,
      `${connection} eventix_temporal_t1_visibility | update-schema --schema-name postgresql/v12/visibility`,
      `${connection} eventix_temporal_t1 | drop-database --defaultdb postgres --force`,
      `${connection} eventix_temporal_t1_visibility | drop-database --defaultdb postgres --force`,
    ]);
  });

  it('stops at the first failing step and says which, with the tool’s last line', async () => {
    const tool = script(join(dir, 'failing-sql-tool'), 'echo "connecting"; echo "pq: password authentication failed" >&2; exit 1');
    const err = await prepareTemporalSchema(tool, databases).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toBe(
      "Temporal's SQL tool failed (create-database on eventix_temporal_t1, exit 1): pq: password authentication failed",
    );
  });

  it('refuses a database prefix that is not a plain PostgreSQL name', async () => {
    const err = await prepareTemporalSchema('/bin/true', { ...databases, prefix: 'eventix"; drop' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/database prefix/);
  });
});
