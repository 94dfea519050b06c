// Completes a generated OpenAPI document with what the shared layers answer on every route, whatever the route itself
// declares: refused bodies, media types and fields, tokens, unknown ids and failures on our side; plus an operationId per
// operation. Route declarations keep what only they know (402, 403, 409, 429); a status a route declares keeps its words.
import { MAX_BODY_BYTES } from './body-guard.ts';

/** The security scheme name routes use in `security: [{ [BEARER_AUTH]: [] }]`. */
export const BEARER_AUTH = 'bearerAuth';

export type Schema = Record<string, unknown>;
export interface Answer {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Schema }>;
}
export interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, unknown> };
  security?: Record<string, string[]>[];
  responses: Record<string, Answer>;
  [key: string]: unknown;
}
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const METHODS_WITH_BODY = new Set(['post', 'put', 'patch', 'delete']);
const PROBLEM_REF = '#/components/schemas/Problem';

/** A problem+json answer in a generated document. */
export function problemAnswerOf(description: string): Answer {
  return { description, content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } } };
}

const SHARED = {
  malformedBody: problemAnswerOf(
    'The request body is not valid JSON, not valid UTF-8, or nests too deeply (MALFORMED_JSON, INVALID_UTF8, JSON_TOO_DEEP)',
  ),
  tooLarge: problemAnswerOf(`The request body is larger than ${MAX_BODY_BYTES} bytes (PAYLOAD_TOO_LARGE)`),
  mediaType: problemAnswerOf('The request body is not application/json (UNSUPPORTED_MEDIA_TYPE)'),
  invalid: problemAnswerOf('The request is not valid (VALIDATION_FAILED, with the offending fields)'),
  token: problemAnswerOf(
    'No access token, or one that is invalid, expired or of an ended session (AUTHENTICATION_REQUIRED, TOKEN_INVALID, …)',
  ),
  optionalToken: problemAnswerOf(
    'A token was sent and it is invalid, expired or of an ended session (TOKEN_INVALID, …); without one the route answers anyone',
  ),
  scannerToken: problemAnswerOf(
    "A door scanner's token, which opens only the check-in routes of the events it was granted (SCANNER_TOKEN_RESTRICTED)",
  ),
  notFound: problemAnswerOf('Nothing with this id (…_NOT_FOUND)'),
  internal: problemAnswerOf('A failure on our side (INTERNAL_ERROR, with the traceId of the failed request)'),
  unavailable: problemAnswerOf(
    'The service cannot reach its database right now (TEMPORARILY_UNAVAILABLE, with Retry-After); retry shortly',
  ),
};

export function operationsOf(doc: OpenApiDocument): { path: string; method: string; operation: Operation }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })),
  );
}

/** `post /events/{id}/publish` → `postEventsByIdPublish`: stable, unique per operation and safe in a URL. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? `by-${param[1]}` : segment;
    })
    .flatMap((segment) => segment.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function reads(operation: Operation, where: string): boolean {
  return (operation.parameters ?? []).some((p) => p.in === where);
}

function hasJsonBody(operation: Operation): boolean {
  return Object.keys(operation.requestBody?.content ?? {}).some((type) => /^application\/([\w.-]+\+)?json$/.test(type));
}

function bearerOf(operation: Operation): 'required' | 'optional' | undefined {
  const security = operation.security ?? [];
  if (!security.some((requirement) => BEARER_AUTH in requirement)) return undefined;
  return security.some((requirement) => Object.keys(requirement).length === 0) ? 'optional' : 'required';
}

/** The answers the service app gives on this operation before (or instead of) its handler. */
function sharedAnswers(method: string, operation: Operation): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  // The body guard reads every body sent with these methods, whether or not the route takes one.
  if (METHODS_WITH_BODY.has(method)) Object.assign(answers, { 400: SHARED.malformedBody, 413: SHARED.tooLarge });
  if (hasJsonBody(operation)) Object.assign(answers, { 415: SHARED.mediaType, 422: SHARED.invalid });
  if (reads(operation, 'path') || reads(operation, 'query') || reads(operation, 'header')) answers[422] = SHARED.invalid;
  if (reads(operation, 'path')) answers[404] = SHARED.notFound;
  const bearer = bearerOf(operation);
  if (bearer) answers[401] = bearer === 'optional' ? SHARED.optionalToken : SHARED.token;
  if (bearer) answers[403] = SHARED.scannerToken;
  answers[500] = SHARED.internal;
  answers[503] = SHARED.unavailable;
  return answers;
}

/** Answers in status order, the declared ones first where both declare a status. */
export function withAnswers(declared: Record<string, Answer>, added: Record<string, Answer>): Record<string, Answer> {
  const merged = { ...added, ...declared };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

/** A service's own document, completed: every operation with its shared answers and an operationId. */
export function completeServiceDocument(doc: OpenApiDocument): OpenApiDocument {
  for (const { path, method, operation } of operationsOf(doc)) {
    operation.operationId ??= operationIdOf(method, path);
    const declared = operation.responses ?? {};
    // A route's own 503 (a saga or a session that could not answer) names the database outage too.
    const unavailable = declared[503] && {
      503: { ...declared[503], description: `${declared[503].description}; or: ${SHARED.unavailable.description}` },
    };
    // A route's own 403 (admins only, not the holder) names the scanner token's refusal too.
    const forbidden = declared[403] &&
      bearerOf(operation) && {
        403: { ...declared[403], description: `${declared[403].description}; or: ${SHARED.scannerToken.description}` },
      };
    operation.responses = withAnswers({ ...declared, ...unavailable, ...forbidden }, sharedAnswers(method, operation));
  }
  return doc;
}

/** Every `#/components/<kind>/<name>` a value refers to. */
function refsIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/')) found.add(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

/**
 * Keeps only the components the paths use, directly or through other components (a document cut down to some of its
 * paths would otherwise list schemas no operation answers). Security schemes are kept when an operation names them.
 */
export function pruneComponents(doc: OpenApiDocument): OpenApiDocument {
  const components = doc.components ?? {};
  const used = refsIn(doc.paths, new Set());
  for (const pending = [...used]; pending.length > 0;) {
    const [, , kind, name] = pending.pop()!.split('/');
    for (const ref of refsIn(components[kind!]?.[name!], new Set())) {
      if (used.has(ref)) continue;
      used.add(ref);
      pending.push(ref);
    }
  }
  const schemes = new Set(operationsOf(doc).flatMap(({ operation }) => (operation.security ?? []).flatMap(Object.keys)));
  const kept = Object.fromEntries(
    Object.entries(components).map(([kind, entries]) => [
      kind,
      Object.fromEntries(
        Object.entries(entries).filter(([name]) =>
          kind === 'securitySchemes' ? schemes.has(name) : used.has(`#/components/${kind}/${name}`),
        ),
      ),
    ]),
  );
  return { ...doc, components: Object.fromEntries(Object.entries(kept).filter(([, entries]) => Object.keys(entries).length > 0)) };
}
