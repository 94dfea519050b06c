// The answer checker fails what its document does not describe: an undeclared field, status or content type.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import { gatewayDocument } from '../api/gateway/service-docs.ts';
import { IdParamSchema, NEEDS_TOKEN, PUBLIC, jsonAnswer } from '../common/http/openapi.ts';
import type { OpenApiDocument } from '../common/http/openapi-document.ts';
import { createServiceApp, type ServiceApp } from '../common/http/service-app.ts';
import { caller } from './support/http.ts';
import { AnswerMismatch, OpenApiChecker, type CheckedAnswer } from './support/openapi-check.ts';
import { testLogger } from './support/context.ts';

const ThingSchema = z.object({ id: z.uuid(), name: z.string(), tags: z.array(z.object({ label: z.string() })) }).openapi('Thing');
const ThingDetailSchema = ThingSchema.extend({ createdAt: z.string() }).openapi('ThingDetail');

const THING_ID = '7f0e8a4c-6b8e-4d8e-9a57-3d5a1c2b9e01';
const thing = { id: THING_ID, name: 'lamp', tags: [{ label: 'light' }] };

/** A service app with two documented routes, one of which answers a field its schema does not name. */
function thingsApp(): ServiceApp {
  const app = createServiceApp({ name: 'things', description: 'Things', logger: testLogger(), readiness: [], readyTimeoutMs: 1_000 });
  app.openapi(
    createRoute({ method: 'get', path: '/things/newest', ...NEEDS_TOKEN, responses: { 200: jsonAnswer(ThingSchema, 'The newest') } }),
    // Drift on purpose: `colour` is in no schema.
    (c) => c.json({ ...thing, colour: 'red' } as typeof thing, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/things/{id}',
      ...PUBLIC,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(ThingDetailSchema, 'The thing') },
    }),
    (c) => c.json({ ...thing, id: c.req.valid('param').id, createdAt: '2027-01-01T00:00:00Z' }, 200),
  );
  return app;
}

describe('the OpenAPI answer checker', () => {
  let app: ServiceApp;
  let checker: OpenApiChecker;

  beforeAll(async () => {
    app = thingsApp();
    checker = new OpenApiChecker([(await (await app.request('/openapi.json')).json()) as OpenApiDocument]);
  });

  const answer = (overrides: Partial<CheckedAnswer> & { json?: unknown }): CheckedAnswer => ({
    method: 'GET',
    path: `/things/${THING_ID}`,
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify(overrides.json ?? { ...thing, createdAt: '2027-01-01T00:00:00Z' }),
    ...overrides,
  });

  const mismatch = (checked: CheckedAnswer): string => {
    try {
      checker.check(checked);
    } catch (err) {
      expect(err).toBeInstanceOf(AnswerMismatch);
      return (err as Error).message;
    }
    throw new Error('the checker accepted the answer');
  };

  it('accepts an answer its operation declares, through an extended schema', () => {
    expect(checker.check(answer({})).operation).toBe('GET /things/{id} 200');
  });

  it('prefers a literal path to a template', () => {
    expect(checker.check(answer({ path: '/things/newest', json: thing })).operation).toBe('GET /things/newest 200');
  });

  it('reports a field the schema does not name, at the top and nested, naming the operation and status', () => {
    const top = mismatch(answer({ json: { ...thing, createdAt: 'x', colour: 'red' } }));
    expect(top).toContain('GET /things/{id} (getThingsById) answered 200');
    expect(top).toContain('must NOT have unevaluated properties "colour"');
    const nested = mismatch(answer({ json: { ...thing, createdAt: 'x', tags: [{ label: 'a', weight: 2 }] } }));
    expect(nested).toContain('/tags/0 must NOT have unevaluated properties "weight"');
  });

  it('reports a field of the wrong type and a missing one', () => {
    expect(mismatch(answer({ json: { ...thing, name: 7, createdAt: 'x' } }))).toContain('/name must be string');
    expect(mismatch(answer({ json: thing }))).toContain("must have required property 'createdAt'");
    expect(mismatch(answer({ json: { ...thing, id: 'not-a-uuid', createdAt: 'x' } }))).toContain('/id must match format "uuid"');
  });

  it('reports a status the operation does not declare', () => {
    expect(mismatch(answer({ status: 418 }))).toMatch(/answered 418 .*status 418 is not declared \(declared: 200, 404, 422, 500, 503\)/);
  });

  it('reports a content type the status does not declare', () => {
    expect(mismatch(answer({ contentType: 'text/html; charset=utf-8', body: '<p>lamp</p>' }))).toContain(
      'content type "text/html" is not declared (declared: application/json)',
    );
    expect(mismatch(answer({ status: 404, body: '{}' }))).toContain(
      'content type "application/json" is not declared (declared: application/problem+json)',
    );
  });

  it('accepts the 404 problem of a path no operation has, and nothing else there', async () => {
    const res = await app.request('/nothing/here');
    const unrouted = {
      method: 'GET',
      path: '/nothing/here',
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: await res.text(),
    };
    expect(checker.check(unrouted).operation).toBe('unrouted 404');
    expect(mismatch({ ...unrouted, status: 200 })).toContain('no operation declares this method and path');
  });

  it("holds the gateway's answers against the service's document as the gateway serves it, under /api/v1", async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
    const viaGateway = new OpenApiChecker([gatewayDocument(doc, (path) => path === '/things' || path.startsWith('/things/'))]);
    const path = `/api/v1/things/${THING_ID}`;
    const timeout = '{"type":"about:blank","title":"Gateway Timeout","status":504,"code":"UPSTREAM_TIMEOUT"}';
    expect(viaGateway.check(answer({ path, status: 504, contentType: 'application/problem+json', body: timeout })).operation).toBe(
      'GET /api/v1/things/{id} 504',
    );
    expect(() => viaGateway.check(answer({ status: 504, contentType: 'application/problem+json', body: timeout }))).toThrow(
      'no operation declares this method and path',
    );
  });

  it('fails a call whose answer drifts from the document, through the test client', async () => {
    const call = caller(app);
    expect((await call('GET', `/things/${THING_ID}`)).status).toBe(200);
    await expect(call('GET', '/things/newest', { token: 'not-checked-here' })).rejects.toThrow(
      /GET \/things\/newest \(getThingsNewest\) answered 200 application\/json: .*unevaluated properties "colour"/,
    );
  });
});
