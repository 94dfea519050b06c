// The API as documented: every service's /openapi.json and every document the gateway's /docs lists loads, is
// complete (the shared answers on every operation, security everywhere) and passes Redocly's recommended rules.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../common/config.ts';
import { honorsIdempotencyKey, KEYED_ROUTES } from '../common/http/keyed-routes.ts';
import { operationsOf, type OpenApiDocument } from '../common/http/openapi-document.ts';
import { OpenApiChecker } from './support/openapi-check.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const ROOT = join(import.meta.dirname, '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const COMPONENT_NAME = /^[a-zA-Z0-9._-]+$/;

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/** Redocly's findings for one document, with the repository's redocly.yaml. */
async function lint(dir: string, name: string, doc: OpenApiDocument): Promise<LintProblem[]> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc, null, 2));
  const { stdout } = await promisify(execFile)(REDOCLY, ['lint', '--format=json', `--config=${join(ROOT, 'redocly.yaml')}`, file], {
    cwd: dir,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return (JSON.parse(stdout) as { problems: LintProblem[] }).problems;
}

const described = (problems: LintProblem[]) => problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe('the OpenAPI documents', () => {
  let platform: TestPlatform;
  let dir: string;
  /** Every document as fetched: a service's own, and the gateway's of each service (`gateway-<service>`). */
  const fetched = new Map<string, { url: string; status: number; type: string | null; text: string }>();
  const docs = new Map<string, OpenApiDocument>();

  const serviceUrl = (service: ServiceName) => `http://127.0.0.1:${platform.services[service].port}`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    dir = await mkdtemp(join(tmpdir(), 'eventix-openapi-'));
    for (const service of SERVICE_NAMES) {
      await fetchDocument(service, `${serviceUrl(service)}/openapi.json`);
      await fetchDocument(`gateway-${service}`, `${platform.gatewayUrl}/docs/${service}/openapi.json`);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function fetchDocument(name: string, url: string): Promise<void> {
    const res = await fetch(url);
    const text = await res.text();
    fetched.set(name, { url, status: res.status, type: res.headers.get('content-type'), text });
    if (res.status === 200) docs.set(name, JSON.parse(text) as OpenApiDocument);
  }

  it("serves every service's document from the service and through the gateway", () => {
    expect(fetched.size).toBe(2 * SERVICE_NAMES.length);
    for (const { url, status, type, text } of fetched.values()) {
      expect({ url, status, type }, text.slice(0, 500)).toEqual({ url, status: 200, type: 'application/json' });
    }
    for (const [name, doc] of docs) {
      expect(doc.openapi, name).toBe('3.1.0');
      expect(operationsOf(doc).length, name).toBeGreaterThan(0);
    }
    expect(docs.get('gateway-users')!.servers).toEqual([{ url: '/api/v1', description: 'Eventix gateway' }]);
    expect(Object.keys(docs.get('gateway-users')!.paths).some((path) => path.startsWith('/internal'))).toBe(false);
  });

  it("passes Redocly's recommended rules with no errors", async () => {
    const findings = await Promise.all([...docs].map(async ([name, doc]) => [name, await lint(dir, name, doc)] as const));
    expect(findings).toHaveLength(2 * SERVICE_NAMES.length);
    for (const [name, problems] of findings) {
      expect(described(problems.filter((p) => p.severity === 'error')), name).toEqual([]);
    }
    // One Redocly process per document: slow on a busy machine.
  }, 120_000);

  it('has the linter report a document that breaks the rules', async () => {
    const broken = structuredClone(docs.get('payments')!);
    delete broken.paths['/payments/gateways']!.get!.security;
    broken.components!.schemas!['Payment request'] = { type: 'object' };
    const rules = (await lint(dir, 'broken', broken)).filter((p) => p.severity === 'error').map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['security-defined', 'spec-components-invalid-map-name']));
  });

  it('declares security, the shared answers and a valid name for everything', () => {
    for (const [name, doc] of docs) {
      for (const name of Object.keys(doc.components?.schemas ?? {})) expect(name).toMatch(COMPONENT_NAME);
      const ids = new Set<string>();
      for (const { path, method, operation } of operationsOf(doc)) {
        const where = `${name}: ${method} ${path}`;
        const statuses = Object.keys(operation.responses);
        expect(operation.security, where).toBeDefined();
        expect(statuses, where).toContain('500');
        if (operation.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['400', '415', '422']));
        if (operation.security!.some((requirement) => 'bearerAuth' in requirement)) expect(statuses, where).toContain('401');
        if (operation.parameters?.some((p) => p.in === 'path')) expect(statuses, where).toEqual(expect.arrayContaining(['404', '422']));
        if (name.startsWith('gateway-')) expect(statuses, where).toEqual(expect.arrayContaining(['401', '502', '503', '504']));
        expect(ids.has(operation.operationId!), `${where} repeats ${operation.operationId}`).toBe(false);
        ids.add(operation.operationId!);
      }
    }
    // A public read that a token can change (admins see drafts) says the token is optional.
    expect(docs.get('events')!.paths['/events/{id}']!.get!.security).toEqual([{}, { bearerAuth: [] }]);
    expect(docs.get('users')!.paths['/auth/login']!.post!.security).toEqual([]);
  });

  it('lists exactly the operations that take an Idempotency-Key as the routes the gateway may send twice', () => {
    const keyed = SERVICE_NAMES.flatMap((service) =>
      operationsOf(docs.get(service)!)
        .filter(({ operation }) => operation.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'))
        .map(({ method, path }) => `${method.toUpperCase()} ${path}`),
    );
    expect(keyed.sort()).toEqual([...KEYED_ROUTES].sort());
    expect(honorsIdempotencyKey('POST', '/bookings/4f1c/pay')).toBe(true);
    expect(honorsIdempotencyKey('POST', '/auth/refresh')).toBe(false);
    expect(honorsIdempotencyKey('POST', '/bookings/4f1c/pay/extra')).toBe(false);
  });

  it("serves the gateway's /docs page with every service's document", async () => {
    const res = await fetch(`${platform.gatewayUrl}/docs`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    for (const service of SERVICE_NAMES) expect(html).toContain(`/docs/${service}/openapi.json`);
  });

  it('answers a JSON route sent another media type with the declared 415 problem', async () => {
    const res = await fetch(`${serviceUrl('users')}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'email=a@example.com',
    });
    const body = await res.text();
    expect({ status: res.status, problem: JSON.parse(body) }).toMatchObject({
      status: 415,
      problem: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'Unsupported Media Type',
        detail: 'This route takes a JSON body (Content-Type: application/json), not "text/plain".',
      },
    });
    const checked = new OpenApiChecker([docs.get('users')!]).check({
      method: 'POST',
      path: '/auth/login',
      status: res.status,
      contentType: res.headers.get('content-type'),
      body,
    });
    expect(checked.operation).toBe('POST /auth/login 415');
  });
});
