// Interactive API docs (Swagger UI) served from the installed swagger-ui-dist, so /docs works offline.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import { swaggerUI } from '@hono/swagger-ui';

const ASSET_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const cache = new Map<string, Buffer>();

type DocsSource = { url: string } | { urls: { url: string; name: string }[] };

/** Mounts GET /docs (the UI) and its assets; `source` names the OpenAPI document(s) it shows. */
export function mountDocs(app: Hono<any>, title: string, source: DocsSource): void {
  app.get('/docs/assets/swagger-ui-dist/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let content = cache.get(file);
    if (!content) {
      content = await readFile(join(ASSET_DIR, file));
      cache.set(file, content);
    }
    return c.body(new Uint8Array(content), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
  app.get('/docs', swaggerUI({ title, baseUrl: '/docs/assets', ...source }));
}
