// Hostile input against every service: NUL and unpaired surrogates in every text field and query parameter, bytes that
// are not UTF-8, malformed, non-object, deep and oversized JSON, tampered cursors. Each gets a 4xx problem+json with a
// stable code, never a 5xx, and changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../common/config.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, jsonDepth } from '../common/http/body-guard.ts';
import { encodeCursor } from '../common/http/pagination.ts';
import { textProblem } from '../common/http/text.ts';
import { ormSettings } from '../workers/services.ts';
import { GATEWAY_PROOF_HEADER } from '../common/http/client-address.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import type { Caller } from './support/http.ts';
import { OpenApiChecker } from './support/openapi-check.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, PASSWORD, newCustomer, signIn, uniqueEmail } from './support/users.ts';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const STABLE_CODE = /^[A-Z][A-Z0-9_]+$/;

type Schema = Record<string, any>;
type Document = { paths: Record<string, Record<string, Schema>>; components?: { schemas?: Record<string, Schema> } };
interface Operation {
  service: ServiceName;
  method: string;
  path: string;
  operation: Schema;
}

interface RawAnswer {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
  body: any;
}

/** One request with exactly these body bytes. */
async function send(
  url: string,
  options: { method: string; token?: string; body?: string | Uint8Array; contentType?: string },
): Promise<RawAnswer> {
  // Sent as the gateway sends it, with the platform secret, so the internal routes read the body too.
  const headers: Record<string, string> = { [GATEWAY_PROOF_HEADER]: testConfig().auth.gatewaySecret! };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(url, { method: options.method, headers, body: options.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  const { pathname } = new URL(url);
  return { method: options.method, path: pathname, status: res.status, contentType: res.headers.get('content-type') ?? '', text, body };
}

/**
 * What is wrong with an answer to hostile input, or undefined when it is a 4xx problem+json with a stable code that
 * the service's document declares for the operation.
 */
function notARefusal(answer: RawAnswer, checker: OpenApiChecker): string | undefined {
  if (answer.status < 400 || answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (!answer.contentType.startsWith('application/problem+json')) return `answered ${answer.status} as ${answer.contentType}`;
  if (!STABLE_CODE.test(String(answer.body?.code))) return `answered ${answer.status} without a stable code`;
  try {
    checker.check({ ...answer, body: answer.text });
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

// ---- Requests built from the served OpenAPI documents ----

function resolve(doc: Document, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = decodeURIComponent(schema.$ref.replace('#/components/schemas/', ''));
  return resolve(doc, doc.components?.schemas?.[name] ?? {});
}

function variantsOf(schema: Schema): Schema[] {
  const variants = (schema.anyOf ?? schema.oneOf ?? [schema]) as Schema[];
  return variants.filter((v) => v.type !== 'null');
}

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
}

/** A value the schema accepts, as far as a schema alone can say (examples first, then the constraints). */
function sample(doc: Document, given: Schema): unknown {
  const schema = resolve(doc, variantsOf(resolve(doc, given))[0] ?? {});
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  switch (typeOf(schema)) {
    case 'object':
      return Object.fromEntries(((schema.required ?? []) as string[]).map((name) => [name, sample(doc, schema.properties[name])]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(doc, schema.items ?? {}));
    case 'string':
      if (schema.format === 'email') return uniqueEmail('hostile');
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString();
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** For every string reachable in the schema: its field path, and a body that is the sample with `text` there. */
function withTextAt(doc: Document, given: Schema, text: string): { field: string[]; value: unknown }[] {
  const found = new Map<string, { field: string[]; value: unknown }>();
  for (const variant of variantsOf(resolve(doc, given))) {
    const schema = resolve(doc, variant);
    const type = typeOf(schema);
    const nested: { field: string[]; value: unknown }[] = [];
    if (type === 'string') nested.push({ field: [], value: text });
    if (type === 'object') {
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        for (const inner of withTextAt(doc, property, text)) {
          nested.push({ field: [name, ...inner.field], value: { ...(sample(doc, schema) as object), [name]: inner.value } });
        }
      }
    }
    if (type === 'array') {
      for (const inner of withTextAt(doc, schema.items ?? {}, text)) nested.push({ field: ['0', ...inner.field], value: [inner.value] });
    }
    for (const entry of nested) if (!found.has(entry.field.join('.'))) found.set(entry.field.join('.'), entry);
  }
  return [...found.values()];
}

function operationsOf(service: ServiceName, doc: Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ service, method: method.toUpperCase(), path, operation })),
  );
}

const jsonBodySchema = (op: Operation): Schema | undefined => op.operation.requestBody?.content?.['application/json']?.schema;
const queryParameters = (op: Operation): Schema[] => ((op.operation.parameters ?? []) as Schema[]).filter((p) => p.in === 'query');
const concretePath = (op: Operation) => op.path.replace(/\{[^}]+\}/g, () => randomUUID());
const described = (op: Operation) => `${op.service} ${op.method} ${op.path}`;

describe('hostile input', () => {
  let platform: TestPlatform;
  let api: Caller;
  let usersOrm: Orm;
  let adminToken: string;
  const operations: Operation[] = [];
  const docs = {} as Record<ServiceName, Document>;
  const checkers = {} as Record<ServiceName, OpenApiChecker>;
  const base = (service: ServiceName) => `http://127.0.0.1:${platform.services[service].port}`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    usersOrm = await openServiceOrm(ormSettings('users', testConfig()), { migrate: false });
    adminToken = (await signIn(api, ADMIN.email, ADMIN.password)).accessToken;
    for (const service of SERVICE_NAMES) {
      docs[service] = (await (await fetch(`${base(service)}/openapi.json`)).json()) as Document;
      checkers[service] = new OpenApiChecker([docs[service] as never]);
      operations.push(...operationsOf(service, docs[service]));
    }
  }, 120_000);

  afterAll(async () => {
    await usersOrm?.close();
    await platform?.stop();
  });

  /** Undefined when the answer is a declared refusal with this status and code, else what is wrong with it. */
  function wrongRefusal(op: Operation, answer: RawAnswer, expected: { status?: number; code?: string } = {}): string | undefined {
    const wrong = notARefusal(answer, checkers[op.service]);
    if (wrong) return wrong;
    if ((expected.status ?? answer.status) !== answer.status || (expected.code ?? answer.body.code) !== answer.body.code) {
      return `answered ${answer.status} ${answer.text.slice(0, 300)}`;
    }
    return undefined;
  }

  /** Sends a body to every operation that takes JSON; answers what was not a proper refusal. */
  async function everyJsonOperation(check: (op: Operation, url: string, schema: Schema) => Promise<string[]>): Promise<string[]> {
    const withBodies = operations.filter((op) => jsonBodySchema(op) !== undefined);
    expect(withBodies.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const op of withBodies) failures.push(...(await check(op, base(op.service) + concretePath(op), jsonBodySchema(op)!)));
    return failures;
  }

  describe('every operation of every service, from its OpenAPI document', () => {
    for (const [label, text] of [
      ['NUL', NUL],
      ['an unpaired surrogate', LONE_SURROGATE],
    ] as const) {
      it(`refuses ${label} in each string field of a JSON body with a 422 naming the field`, async () => {
        let fields = 0;
        const failures = await everyJsonOperation(async (op, url, schema) => {
          const problems: string[] = [];
          for (const { field, value } of withTextAt(docs[op.service], schema, text)) {
            fields++;
            const answer = await send(url, { method: op.method, token: adminToken, body: JSON.stringify(value) });
            const named = (answer.body?.errors ?? []).some((e: { field: string }) => e.field === field.join('.'));
            const wrong = wrongRefusal(op, answer, { status: 422, code: 'VALIDATION_FAILED' }) ?? (named ? undefined : answer.text);
            if (wrong) problems.push(`${described(op)} ${field.join('.')}: ${wrong}`);
          }
          return problems;
        });
        expect(failures).toEqual([]);
        expect(fields).toBeGreaterThan(30);
      });
    }

    it('refuses bytes that are not UTF-8 with 400 INVALID_UTF8', async () => {
      const bytes = new Uint8Array([...Buffer.from('{"name":"'), 0xff, 0xfe, 0xc3, ...Buffer.from('"}')]);
      const failures = await everyJsonOperation(async (op, url) => {
        const answer = await send(url, { method: op.method, token: adminToken, body: bytes });
        const wrong = wrongRefusal(op, answer, { status: 400, code: 'INVALID_UTF8' });
        return wrong ? [`${described(op)}: ${wrong}`] : [];
      });
      expect(failures).toEqual([]);
    });

    it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
      const failures = await everyJsonOperation(async (op, url) => {
        const problems: string[] = [];
        for (const body of ['{"name":', "{'name':'x'}", '{"a":1}}', 'NaN']) {
          const answer = await send(url, { method: op.method, token: adminToken, body });
          const wrong = wrongRefusal(op, answer, { status: 400, code: 'MALFORMED_JSON' });
          if (wrong) problems.push(`${described(op)} ${body}: ${wrong}`);
        }
        return problems;
      });
      expect(failures).toEqual([]);
    });

    it('refuses JSON that is not an object, and absurdly deep JSON, with a 4xx', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      const failures = await everyJsonOperation(async (op, url) => {
        const problems: string[] = [];
        for (const body of ['[]', '"x"', 'null', '1', 'true', '[{}]', deep]) {
          const answer = await send(url, { method: op.method, token: adminToken, body });
          const wrong = wrongRefusal(
            op,
            answer,
            body === deep ? { status: 400, code: 'JSON_TOO_DEEP' } : { status: 422, code: 'VALIDATION_FAILED' },
          );
          if (wrong) problems.push(`${described(op)} ${body.slice(0, 10)}: ${wrong}`);
        }
        return problems;
      });
      expect(failures).toEqual([]);
    });

    it('refuses NUL, bytes that are not UTF-8 and absurd numbers in each query parameter with a 4xx', async () => {
      const withQueries = operations.filter((op) => queryParameters(op).length > 0);
      expect(withQueries.length).toBeGreaterThanOrEqual(5);
      const failures: string[] = [];
      for (const op of withQueries) {
        for (const parameter of queryParameters(op)) {
          const numeric = ['integer', 'number'].includes(typeOf(resolve(docs[op.service], parameter.schema ?? {})) ?? '');
          const values = numeric
            ? ['NaN', 'Infinity', '-1', '1e309', '99999999999999999999', '1.5', '%00']
            : ['a%00b', '%ff%fe', '%ED%A0%80'];
          for (const value of values) {
            const answer = await send(`${base(op.service)}${concretePath(op)}?${parameter.name}=${value}`, {
              method: op.method,
              token: adminToken,
            });
            const wrong = wrongRefusal(op, answer);
            if (wrong) failures.push(`${described(op)} ?${parameter.name}=${value}: ${wrong}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });

  describe('nothing is written', () => {
    const usersNamed = (email: string) => usersOrm.em.fork().execute<unknown[]>('select id from user_account where email = ?', [email]);

    it('registers no account when the email, name or password holds NUL, or the body is not UTF-8', async () => {
      const emails: string[] = [];
      for (const body of [
        (email: string) => ({ email: email.replace('@', '\u0000@'), password: PASSWORD, name: 'Nul Email' }),
        (email: string) => ({ email, password: PASSWORD, name: `Nul ${NUL}` }),
        (email: string) => ({ email, password: `${PASSWORD}\u0000`, name: 'Nul Password' }),
        (email: string) => ({ email, password: PASSWORD, name: `Surrogate ${LONE_SURROGATE}` }),
      ]) {
        const email = uniqueEmail('nul');
        emails.push(email);
        const res = await api('POST', '/auth/register', { body: body(email) });
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const email = uniqueEmail('utf8');
      emails.push(email);
      const bytes = new Uint8Array([
        ...Buffer.from(`{"email":"${email}","password":"${PASSWORD}","name":"Bad `),
        0xc3,
        0x28,
        ...Buffer.from('"}'),
      ]);
      const res = await send(`${platform.gatewayUrl}/api/v1/auth/register`, { method: 'POST', body: bytes });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_UTF8');
      for (const e of emails) expect(await usersNamed(e)).toEqual([]);
    });

    it('answers a NUL in the login email or password with 422, not a server error', async () => {
      for (const [body, field] of [
        [{ email: 'admin\u0000@eventix.com', password: ADMIN.password }, 'email'],
        [{ email: ADMIN.email, password: `${ADMIN.password}\u0000` }, 'password'],
      ] as const) {
        const res = await api('POST', '/auth/login', { body });
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      }
    });

    it('leaves the profile as it was when the new name holds a control character', async () => {
      const customer = await newCustomer(api, 'profile');
      for (const name of [NUL, 'two\nlines', 'tab\there', 'bell\u0007']) {
        const res = await api('PATCH', '/users/me', { token: customer.accessToken, body: { name } });
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
      }
      expect((await api('GET', '/users/me', { token: customer.accessToken })).body.name).toBe('Test profile');
    });

    it('creates no venue and no event when a text field holds NUL', async () => {
      const tag = randomUUID().slice(0, 8);
      const venue = await api('POST', '/venues', {
        token: adminToken,
        body: { name: `Venue ${tag}`, city: NUL, sections: [{ name: 'Hall', rowRange: { from: 'A', to: 'B', seatsPerRow: 3 } }] },
      });
      expect(venue.status).toBe(422);
      expect(venue.body.errors).toEqual([expect.objectContaining({ field: 'city' })]);
      const section = await api('POST', '/venues', {
        token: adminToken,
        body: { name: `Venue ${tag}`, sections: [{ name: `Hall${NUL}`, rowRange: { from: 'A', to: 'B', seatsPerRow: 3 } }] },
      });
      expect(section.body.errors).toEqual([expect.objectContaining({ field: 'sections.0.name' })]);
      const em = platform.orms.events.em.fork();
      expect(await em.execute('select id from venue where name = ?', [`Venue ${tag}`])).toEqual([]);

      const good = await api('POST', '/venues', {
        token: adminToken,
        body: { name: `Venue ${tag} ok`, sections: [{ name: 'Hall', rowRange: { from: 'A', to: 'B', seatsPerRow: 3 } }] },
      });
      expect(good.status).toBe(201);
      const startsAt = new Date(Date.now() + 86_400_000).toISOString();
      for (const body of [
        { venueId: good.body.id, title: `Show ${tag} ${NUL}`, startsAt },
        { venueId: good.body.id, title: `Show ${tag}`, description: `Line one\nline two ${NUL}`, startsAt },
      ]) {
        const res = await api('POST', '/events', { token: adminToken, body });
        expect(res.status).toBe(422);
      }
      expect(await em.execute('select id from event where title like ?', [`Show ${tag}%`])).toEqual([]);
      // A description may hold line breaks and tabs; a title may not.
      const multiline = await api('POST', '/events', {
        token: adminToken,
        body: { venueId: good.body.id, title: `Show ${tag}`, description: 'Act one\n\tAct two', startsAt },
      });
      expect(multiline.status).toBe(201);
      expect(multiline.body.description).toBe('Act one\n\tAct two');
    });

    it('refuses a venue of more seats than any venue has before writing a seat', async () => {
      const tag = randomUUID().slice(0, 8);
      const rows = Array.from({ length: 200 }, (_, i) => ({ label: `R${i}`, seats: 500 }));
      const sections = Array.from({ length: 100 }, (_, i) => ({ name: `S${i}`, rows }));
      const res = await api('POST', '/venues', { token: adminToken, body: { name: `Huge ${tag}`, sections } });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'sections' })]);
      expect(await platform.orms.events.em.fork().execute('select id from venue where name = ?', [`Huge ${tag}`])).toEqual([]);
    });

    it('refuses dates PostgreSQL cannot store, in a body and in a query', async () => {
      const tag = randomUUID().slice(0, 8);
      const venue = await api('POST', '/venues', {
        token: adminToken,
        body: { name: `Venue ${tag}`, sections: [{ name: 'Hall', rowRange: { from: 'A', to: 'A', seatsPerRow: 2 } }] },
      });
      const res = await api('POST', '/events', {
        token: adminToken,
        body: { venueId: venue.body.id, title: `Year zero ${tag}`, startsAt: '0000-01-01T00:00:00Z' },
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'startsAt' })]);
      expect(await platform.orms.events.em.fork().execute('select id from event where title = ?', [`Year zero ${tag}`])).toEqual([]);
      const list = await api('GET', '/events?from=0000-01-01T00:00:00Z');
      expect(list.status).toBe(422);
      expect(list.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    });

    it('refuses a query parameter whose percent-encoded bytes are not UTF-8, and takes a stray % as itself', async () => {
      for (const q of ['%ff%fe', '%ED%A0%80', 'caf%C3']) {
        const res = await api('GET', `/events?limit=5&q=${q}`);
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([{ field: 'q', message: expect.stringMatching(/UTF-8/) }]);
      }
      for (const q of ['caf%C3%A9', '100%', '50%25']) expect((await api('GET', `/events?q=${q}`)).status).toBe(200);
    });

    it('refuses a body larger than the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), sections: [] });
      const res = await send(`${base('events')}/venues`, { method: 'POST', token: adminToken, body });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses a cancel body that is not JSON with 415, so NUL in it reaches nothing', async () => {
      const event = await eventOnSale(eventsCtx(platform.orms.events));
      const customer = await newCustomer(api, 'plain-cancel');
      const held = await api('POST', '/bookings', {
        token: customer.accessToken,
        body: { eventId: event.eventId, seats: [event.seatIds[0]] },
      });
      expect(held.status).toBe(201);
      const url = `${platform.gatewayUrl}/api/v1/bookings/${held.body.id as string}/cancel`;
      for (const body of ['null', `{"reason":"a${NUL}b"}`]) {
        const res = await send(url, { method: 'POST', token: customer.accessToken, body, contentType: 'text/plain' });
        expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
      const detail = (await api('GET', `/bookings/${held.body.id as string}`, { token: customer.accessToken })).body;
      expect(detail.status).toBe('HELD');
    });

    it('keeps a booking HELD, its saga untouched, when pay or cancel carries NUL, and then takes a valid payment', async () => {
      const event = await eventOnSale(eventsCtx(platform.orms.events));
      const customer = await newCustomer(api, 'nul-pay');
      const held = await api('POST', '/bookings', {
        token: customer.accessToken,
        body: { eventId: event.eventId, seats: [event.seatIds[0]] },
      });
      expect(held.status).toBe(201);
      const id = held.body.id as string;
      for (const [action, body, field] of [
        ['pay', { gateway: NUL, paymentMethod: 'pm_card_visa' }, 'gateway'],
        ['pay', { gateway: 'test', paymentMethod: `pm_card_visa${NUL}` }, 'paymentMethod'],
        ['pay', { gateway: 'test', paymentMethod: `pm_card_visa${LONE_SURROGATE}` }, 'paymentMethod'],
        ['cancel', { reason: NUL }, 'reason'],
      ] as const) {
        const res = await api('POST', `/bookings/${id}/${action}`, { token: customer.accessToken, body });
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      }
      const detail = (await api('GET', `/bookings/${id}`, { token: customer.accessToken })).body;
      expect(detail.status).toBe('HELD');
      expect(detail.history.map((h: { to: string }) => h.to)).not.toContain('PAYING');
      const paid = await api('POST', `/bookings/${id}/pay`, {
        token: customer.accessToken,
        body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      expect(paid.body.status).toBe('CONFIRMED');
    });
  });

  describe('cursors', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const at = '2026-01-01T00:00:00.000Z';
    const tampered = [
      'garbage',
      '!!!!',
      `${encodeCursor([at, randomUUID()])}%00`,
      b64({ at, id: randomUUID() }),
      b64([at]),
      b64([at, randomUUID(), 'extra']),
      b64(['yesterday', randomUUID()]),
      b64(['2026-01-01T00:00:00Z', randomUUID()]),
      b64([1e20, randomUUID()]),
      b64([at, 'not-a-uuid']),
      // Dates JavaScript writes but PostgreSQL cannot store.
      b64(['-005000-01-01T00:00:00.000Z', randomUUID()]),
      b64(['+275000-01-01T00:00:00.000Z', randomUUID()]),
      b64([at, `${randomUUID()}'`]),
      b64([at, 42]),
      Buffer.from('not json').toString('base64url'),
    ];

    it('refuses a tampered cursor on every list with 422 INVALID_CURSOR before any query', async () => {
      const customer = await newCustomer(api, 'cursor');
      const lists: [string, string][] = [
        ['/events', adminToken],
        ['/users', adminToken],
        ['/users/me/notifications', customer.accessToken],
        ['/bookings', customer.accessToken],
        ['/payments', customer.accessToken],
      ];
      const failures: string[] = [];
      for (const [path, token] of lists) {
        for (const cursor of tampered) {
          const res = await api('GET', `${path}?cursor=${cursor}`, { token });
          const named = res.body?.errors?.[0]?.field === 'cursor';
          if (res.status !== 422 || res.body?.code !== 'INVALID_CURSOR' || !named) {
            failures.push(`${path} ${cursor}: ${res.status} ${JSON.stringify(res.body)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('still pages on with a cursor the list gave out', async () => {
      const first = await api('GET', '/users?limit=1', { token: adminToken });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await api('GET', `/users?limit=1&cursor=${first.body.nextCursor}`, { token: adminToken });
      expect(second.status).toBe(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    });
  });
});

describe('the text and JSON checks themselves', () => {
  it('lets each kind of text hold what it should', () => {
    expect(textProblem('Ada Lovelace – Ünïcödé 🎭')).toBeUndefined();
    expect(textProblem('two\nlines')).toMatch(/single line/);
    expect(textProblem('two\nlines\tand a tab\r\n', 'paragraph')).toBeUndefined();
    expect(textProblem('escape \u001b[31m', 'paragraph')).toMatch(/control characters/);
    expect(textProblem('tab\tand \u0001', 'opaque')).toBeUndefined();
    for (const kind of ['line', 'paragraph', 'opaque'] as const) {
      expect(textProblem(NUL, kind)).toMatch(/NUL/);
      expect(textProblem(LONE_SURROGATE, kind)).toMatch(/unpaired surrogate/);
    }
  });

  it('measures JSON depth without being fooled by brackets in strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[{{{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
    expect(jsonDepth('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH + 1);
  });
});
