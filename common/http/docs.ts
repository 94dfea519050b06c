// Interactive API docs (Swagger UI) served from the installed swagger-ui-dist, so /docs works offline.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';

const ASSET_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const ASSET_PATH = '/docs/assets';
const cache = new Map<string, Buffer>();

/** One OpenAPI document, or several with a picker (the gateway shows every service's). */
export type DocsSource = { url: string } | { urls: { url: string; name: string }[] };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function docsPage(title: string, source: DocsSource): string {
  // Several documents need the standalone layout, whose top bar has the picker.
  const several = 'urls' in source;
  const options = {
    dom_id: '#swagger-ui',
    deepLinking: true,
    ...(several ? { urls: source.urls, layout: 'StandaloneLayout' } : { url: source.url }),
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="${ASSET_PATH}/favicon-32x32.png" />
    <link rel="stylesheet" href="${ASSET_PATH}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSET_PATH}/swagger-ui-bundle.js"></script>
    <script src="${ASSET_PATH}/swagger-ui-standalone-preset.js"></script>
    <script>
      window.onload = () => {
        const options = ${JSON.stringify(options).replace(/</g, '\\u003c')};
        options.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
        options.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
        window.ui = SwaggerUIBundle(options);
      };
    </script>
  </body>
</html>`;
}

/** Mounts GET /docs (the UI) and the assets it loads. */
export function mountDocs(app: Hono<any>, title: string, source: DocsSource): void {
  app.get(`${ASSET_PATH}/:file`, async (c) => {
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
  const page = docsPage(title, source);
  app.get('/docs', (c) => c.html(page));
}
