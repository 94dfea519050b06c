// Request bodies before any route reads them: bounded in size, valid UTF-8, JSON that parses and is not absurdly deep,
// each refused with its own stable code; and query parameters whose percent-encoded bytes are not UTF-8. Routes then
// read the body as usual (Hono serves it again from its cache).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpProblem } from './problem.ts';

/** The largest request body any route takes (a venue layout with every seat listed stays well below it). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** No request schema nests deeper than a few levels; far deeper JSON is an attack on whatever walks it recursively. */
export const MAX_JSON_DEPTH = 32;

// The media types Hono's validator reads as JSON, and the other textual bodies whose bytes must be UTF-8 too.
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const TEXT_MEDIA_TYPE = /^(text\/[\w.+-]+|application\/x-www-form-urlencoded)$/i;
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

function mediaTypeOf(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim();
}

/** The body's text, or a 400 INVALID_UTF8 when its bytes are not UTF-8 (never silently turned into U+FFFD). */
function utf8Text(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpProblem(400, 'INVALID_UTF8', 'The request body is not valid UTF-8.');
  }
}

/** How deeply arrays and objects nest in JSON text, counted without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

/** Runs of percent-encoded bytes (`%C3%A9`); a lone `%` is left as the literal character, as Hono reads it. */
const PERCENT_ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

function decodesAsUtf8(component: string): boolean {
  for (const [run] of component.matchAll(PERCENT_ENCODED_RUN)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16)));
    } catch {
      return false;
    }
  }
  return true;
}

/** The name of a `name=value` pair as a route reads it, or as sent when it does not decode. */
function parameterName(pair: string): string {
  const name = pair.split('=')[0]!;
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Hono keeps a query value whose bytes do not decode as its raw `%xx` text, which would then be searched for as if the
 * client had sent it; such a parameter is refused like any other invalid field (422 VALIDATION_FAILED naming it).
 */
function checkQueryString(url: string): void {
  const start = url.indexOf('?');
  if (start === -1) return;
  const errors = url
    .slice(start + 1)
    .split('&')
    .filter((pair) => !decodesAsUtf8(pair))
    .map((pair) => ({ field: parameterName(pair), message: 'is not valid UTF-8 text' }));
  if (errors.length) throw new HttpProblem(422, 'VALIDATION_FAILED', 'The request is not valid.', errors);
}

function checkJson(text: string): void {
  // An empty body is left to the route: one without a body ignores it, one that needs a body refuses it.
  if (text.trim() === '') return;
  try {
    JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new HttpProblem(400, 'JSON_TOO_DEEP', `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
  }
}

const limitBodySize = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HttpProblem(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  },
});

/**
 * Checks the query string, and textual bodies (JSON, text, forms); other bodies are left to the route, which refuses a
 * media type it does not take.
 */
export function bodyGuard(): MiddlewareHandler {
  return async (c, next) => {
    checkQueryString(c.req.url);
    if (METHODS_WITHOUT_BODY.has(c.req.method) || c.req.raw.body === null) return next();
    return limitBodySize(c, async () => {
      const mediaType = mediaTypeOf(c);
      const isJson = JSON_MEDIA_TYPE.test(mediaType);
      if (isJson || TEXT_MEDIA_TYPE.test(mediaType)) {
        // Read through Hono, which keeps the bytes for the validator and the handler.
        const text = utf8Text(await c.req.arrayBuffer());
        if (isJson) checkJson(text);
      }
      await next();
    });
  };
}
