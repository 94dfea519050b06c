// The gateway's serving of the built box office: pages answer index.html, hashed assets are cached for good, nothing
// outside the build can be read, and API-like paths stay 404 problems.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { mountWebApp } from '../api/gateway/web-app.ts';

function appOver(dir: string) {
  const app = new Hono();
  mountWebApp(app, dir);
  return app;
}

describe('the box office at /', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventix-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>box office</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, '..', 'eventix-web-secret.txt'), 'not for the web');
  const app = appOver(dir);

  it('answers every page path with index.html, never cached, with a content security policy', async () => {
    for (const path of ['/', '/events/0b7c2d5e-1111-4222-8333-944445555666', '/account/bookings']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('box office');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const head = await app.request('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('caches hashed assets for good, and answers a missing asset 404 instead of the page', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const missing = await app.request('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('reads nothing outside the build, however the path is spelled', async () => {
    for (const path of [
      '/../eventix-web-secret.txt',
      '/%2e%2e/eventix-web-secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2feventix-web-secret.txt',
      '/%00',
    ]) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toContain('not for the web');
    }
  });

  it('leaves the API, docs, health and metrics paths to their own routes: unknown ones are 404 problems', async () => {
    for (const path of ['/api/v2/events', '/api', '/docs/nothing', '/health/x', '/metrics/x']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect((await res.json()) as { code: string }).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('says how to build the app when there is no build yet', async () => {
    const res = await appOver(mkdtempSync(join(tmpdir(), 'eventix-web-empty-'))).request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run web:build');
  });
});
