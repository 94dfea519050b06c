// The box office (web/, built into data/web) served at /: hashed assets cached for good, index.html never, and every
// other page path answered with index.html so the app's own router shows it. Paths of the API, the docs, health and
// metrics are never the app's: an unknown one stays a 404 problem.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { problemResponse } from '../../common/http/problem.ts';

/** Where `npm run web:build` writes the app. */
export const WEB_BUILD_DIR = fileURLToPath(new URL('../../data/web', import.meta.url));

const NOT_THE_APP = /^\/(api|docs|health|metrics|\.well-known)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What every page of the app is sent with: it runs only its own code and talks only to this origin. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

const MISSING_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Eventix</title></head><body><main>
<h1>The Eventix box office is not built yet</h1><p>Run <code>npm run web:build</code> (or <code>npm start</code>, which builds it),
then reload. The API is at <a href="/api/v1/events">/api/v1</a> and its documentation at <a href="/docs">/docs</a>.</p>
</main></body></html>`;

/** The file a path names inside the build, or undefined for a path that leaves it. */
function fileOf(dir: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(dir, decoded));
  return file === dir || file.startsWith(dir + sep) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function page(c: Context, dir: string): Promise<Response> {
  const index = join(dir, 'index.html');
  const html = await readFile(index).catch(() => undefined);
  const headers = { ...PAGE_HEADERS, 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' };
  return new Response(c.req.method === 'HEAD' ? null : (html ?? MISSING_BUILD), { status: 200, headers });
}

export function mountWebApp(app: Hono<any>, dir = WEB_BUILD_DIR): void {
  app.on(['GET', 'HEAD'], '*', async (c) => {
    const path = c.req.path;
    if (NOT_THE_APP.test(path)) return problemResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${path}.`);
    const file = path === '/' ? undefined : fileOf(dir, path);
    if (file && file !== join(dir, 'index.html') && (await isFile(file))) {
      const hashed = path.startsWith('/assets/');
      return new Response(c.req.method === 'HEAD' ? null : await readFile(file), {
        status: 200,
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
          'x-content-type-options': 'nosniff',
        },
      });
    }
    // A missing asset is a 404, not the page: a browser would try to run HTML as a script.
    if (path.startsWith('/assets/') || extname(path)) return problemResponse(c, 404, 'NOT_FOUND', `No file ${path}.`);
    return page(c, dir);
  });
}
