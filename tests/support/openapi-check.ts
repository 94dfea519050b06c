// Holds an HTTP answer against the OpenAPI documents its server serves: the operation must declare the status and the
// content type, and the body must match the declared schema with no property the schema does not name.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { Answer, HTTP_METHODS, OpenApiDocument, Operation, Schema } from '../../common/http/openapi-document.ts';

export interface CheckedAnswer {
  method: string;
  /** The request path as sent, without the query. */
  path: string;
  status: number;
  /** The Content-Type header, if any. */
  contentType: string | null;
  /** The body as text. */
  body: string;
}

/** What was checked: the operation (or the fallback 404) that the answer was held against. */
export interface CheckResult {
  operation: string;
}

export class AnswerMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerMismatch';
  }
}

interface Route {
  doc: number;
  base: string;
  template: string;
  pattern: RegExp;
  literals: number;
}

const COMPONENT_REF = '#/components/schemas/';
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;
/** Keywords of OpenAPI's schema dialect that JSON Schema 2020-12 does not define. */
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

/** The subschemas of a schema, by keyword: a single one, a list, or a map of them. */
const ONE = ['additionalProperties', 'unevaluatedProperties', 'propertyNames', 'items', 'contains', 'not', 'if', 'then', 'else'];
const LIST = ['prefixItems', 'anyOf', 'oneOf'];
const MAP = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];

function describesObject(schema: Schema): boolean {
  const type = schema.type;
  return type === 'object' || (Array.isArray(type) && type.includes('object')) || 'properties' in schema || 'allOf' in schema;
}

/**
 * A copy of a schema that refuses undeclared properties: `unevaluatedProperties: false` on every object schema that
 * does not say otherwise. The parts of an `allOf` stay open at their top (the `allOf` as a whole closes them), since
 * each part knows only its own properties; references go to the strict or the open copy of a component accordingly.
 */
function strictCopy(schema: unknown, refBase: string, open = false): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const source = schema as Schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)) {
      copy.$ref = `${refBase}/${open ? 'open' : 'strict'}#/$defs/${value.slice(COMPONENT_REF.length)}`;
    } else if (key === 'allOf' && Array.isArray(value)) {
      copy.allOf = value.map((part) => strictCopy(part, refBase, true));
    } else if (ONE.includes(key)) {
      copy[key] = strictCopy(value, refBase);
    } else if (LIST.includes(key) && Array.isArray(value)) {
      // Alternatives are checked in place: they are as open as the schema that holds them.
      copy[key] = value.map((part) => strictCopy(part, refBase, open && key !== 'prefixItems'));
    } else if (MAP.includes(key) && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, part]) => [name, strictCopy(part, refBase)]));
    } else {
      copy[key] = value;
    }
  }
  if (!open && describesObject(source) && !('additionalProperties' in source) && !('unevaluatedProperties' in source)) {
    copy.unevaluatedProperties = false;
  }
  return copy;
}

function routeOf(doc: number, base: string, template: string): Route {
  const segments = template
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return {
    doc,
    base,
    template,
    pattern: new RegExp(`^${base}${segments.join('/')}$`),
    literals: template.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
  };
}

function basePath(doc: OpenApiDocument): string {
  const url = doc.servers?.[0]?.url ?? '/';
  return new URL(url, 'http://server').pathname.replace(/\/$/, '');
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const extra = (e.params as { unevaluatedProperty?: string; additionalProperty?: string; allowedValues?: unknown[] }) ?? {};
      const named = extra.unevaluatedProperty ?? extra.additionalProperty;
      const detail = named ? ` "${named}"` : extra.allowedValues ? ` ${JSON.stringify(extra.allowedValues)}` : '';
      return `${e.instancePath || '/'} ${e.message ?? e.keyword}${detail}`;
    })
    .join('; ');
}

let documentCount = 0;

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly refBases: string[];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly documents: OpenApiDocument[];

  /** The documents one server serves: a service's own, or the gateway's four (each says its base in `servers`). */
  constructor(documents: OpenApiDocument[]) {
    this.documents = documents;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
    formats.default(this.ajv);
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    this.refBases = documents.map((doc) => {
      const refBase = `urn:eventix:openapi:${++documentCount}`;
      const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
      for (const open of [false, true]) {
        const $defs = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, strictCopy(s, refBase, open)]));
        this.ajv.addSchema({ $id: `${refBase}/${open ? 'open' : 'strict'}`, $defs });
      }
      return refBase;
    });
    this.routes = documents
      .flatMap((doc, i) => Object.keys(doc.paths ?? {}).map((template) => routeOf(i, basePath(doc), template)))
      // Literal segments first, as the services register them: /users/me before /users/{id}.
      .sort((a, b) => b.literals - a.literals);
  }

  private operationFor(method: string, path: string): { route: Route; operation: Operation } | undefined {
    const verb = method.toLowerCase() as (typeof HTTP_METHODS)[number];
    for (const route of this.routes) {
      if (!route.pattern.test(path)) continue;
      const operation = this.documents[route.doc]!.paths[route.template]![verb];
      if (operation) return { route, operation };
    }
    return undefined;
  }

  private validator(key: string, docIndex: number, schema: Schema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(strictCopy(schema, this.refBases[docIndex]!) as Schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Checks one answer; throws AnswerMismatch naming the operation, the status and what is wrong. */
  check(answer: CheckedAnswer): CheckResult {
    const found = this.operationFor(answer.method, answer.path);
    if (!found) return this.checkUnrouted(answer);
    const { route, operation } = found;
    const name = `${answer.method.toUpperCase()} ${route.base}${route.template} (${operation.operationId ?? 'no operationId'})`;
    const fail = (why: string): never => {
      throw new AnswerMismatch(`${name} answered ${answer.status} ${answer.contentType ?? '(no content type)'}: ${why}`);
    };
    const status = String(answer.status);
    const statusKey = [status, `${status[0]}XX`, 'default'].find((key) => operation.responses[key]);
    if (!statusKey) fail(`status ${status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`);
    this.checkContent(
      answer,
      operation.responses[statusKey!]!,
      `${route.doc} ${route.template} ${answer.method} ${statusKey}`,
      route.doc,
      fail,
    );
    return { operation: `${answer.method.toUpperCase()} ${route.base}${route.template} ${statusKey}` };
  }

  /** No operation has this method and path: the only right answer is the app's 404 problem. */
  private checkUnrouted(answer: CheckedAnswer): CheckResult {
    const fail = (why: string): never => {
      throw new AnswerMismatch(`${answer.method.toUpperCase()} ${answer.path} (no such operation) answered ${answer.status}: ${why}`);
    };
    if (answer.status !== 404) fail('no operation declares this method and path, yet the answer is not a 404');
    const problem: Answer = {
      description: 'No such route',
      content: { 'application/problem+json': { schema: { $ref: `${COMPONENT_REF}Problem` } } },
    };
    this.checkContent(answer, problem, 'unrouted', 0, fail);
    return { operation: 'unrouted 404' };
  }

  private checkContent(answer: CheckedAnswer, declared: Answer, key: string, docIndex: number, fail: (why: string) => never): void {
    const content = declared.content ?? {};
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (Object.keys(content).length === 0) {
      if (answer.body !== '') fail(`the answer declares no body, yet it has one (${answer.body.slice(0, 200)})`);
      return;
    }
    const declaredType = Object.keys(content).find((type) => type.toLowerCase() === mediaType);
    if (!declaredType) fail(`content type "${mediaType}" is not declared (declared: ${Object.keys(content).join(', ')})`);
    const schema = content[declaredType]!.schema;
    if (!schema) return;
    let value: unknown = answer.body;
    if (JSON_TYPE.test(mediaType)) {
      try {
        value = JSON.parse(answer.body);
      } catch {
        fail(`the body is not JSON (${answer.body.slice(0, 200)})`);
      }
    }
    const validate = this.validator(`${key} ${declaredType}`, docIndex, schema);
    if (!validate(value))
      fail(`the body does not match the schema: ${describeErrors(validate.errors)}; body: ${answer.body.slice(0, 500)}`);
  }
}
