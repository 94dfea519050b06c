// The scanner role (door staff): its token is refused on every route that did not opt in with allowScanner, whatever
// the route's own role check; admins make scanner accounts with the admin routes, and a role change ends the sessions
// that carry the old role.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowScanner, authenticate, identify, principalOf, requireRole } from '../common/auth/middleware.ts';
import { loadSigningKeys, type SigningKeys } from '../common/auth/keys.ts';
import { localKeys, verifierFor, type Principal, type Role } from '../common/auth/verify.ts';
import { createServiceApp, type ServiceApp } from '../common/http/service-app.ts';
import { issueAccessToken } from '../domain/users/tokens.ts';
import type { DomainServiceHandle } from '../workers/service-runtime.ts';
import { startService, testConfig, testLogger } from './support/context.ts';
import { caller, type Caller } from './support/http.ts';
import { ADMIN, PASSWORD, signIn, uniqueEmail } from './support/users.ts';

describe('the global rule for scanner tokens', () => {
  const config = testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'eventix-scanner-role-')) });
  let keys: SigningKeys;
  let app: ServiceApp;

  beforeAll(async () => {
    keys = await loadSigningKeys(config);
    const verifier = verifierFor(config.auth, localKeys(keys.jwks));
    app = createServiceApp({ name: 'rule', description: 'scanner rule', logger: testLogger(), readiness: [], readyTimeoutMs: 1_000 });
    const who: MiddlewareHandler = (c) => Promise.resolve(c.json({ role: principalOf(c).role }));
    const anyone: MiddlewareHandler = (c) =>
      Promise.resolve(c.json({ role: (c.get('principal' as never) as Principal | undefined)?.role ?? null }));
    const routes: Record<string, MiddlewareHandler[]> = {
      '/signed-in': [authenticate(verifier), who],
      '/admins': [authenticate(verifier), requireRole('admin'), who],
      '/anyone': [identify(verifier), anyone],
      '/door': [allowScanner, authenticate(verifier), who],
      '/door-admins': [allowScanner, authenticate(verifier), requireRole('admin'), who],
    };
    for (const [path, handlers] of Object.entries(routes)) app.on('GET', path, ...(handlers as [MiddlewareHandler]));
  });

  const token = (role: Role) => issueAccessToken(keys, config.auth, { userId: randomUUID(), role, sessionId: randomUUID() });
  async function get(path: string, role?: Role): Promise<{ status: number; body: { role?: string | null; code?: string } }> {
    const res = await app.request(path, { headers: role ? { authorization: `Bearer ${await token(role)}` } : {} });
    return { status: res.status, body: (await res.json()) as { role?: string | null; code?: string } };
  }

  it('refuses a scanner token with 403 SCANNER_TOKEN_RESTRICTED on routes that did not opt in, and lets users and admins through', async () => {
    for (const path of ['/signed-in', '/admins', '/anyone']) {
      expect(await get(path, 'scanner'), path).toMatchObject({ status: 403, body: { code: 'SCANNER_TOKEN_RESTRICTED' } });
    }
    expect(await get('/signed-in', 'user')).toEqual({ status: 200, body: { role: 'user' } });
    expect(await get('/signed-in', 'admin')).toEqual({ status: 200, body: { role: 'admin' } });
    expect(await get('/admins', 'admin')).toEqual({ status: 200, body: { role: 'admin' } });
    expect(await get('/admins', 'user')).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await get('/anyone')).toEqual({ status: 200, body: { role: null } });
    expect(await get('/anyone', 'user')).toEqual({ status: 200, body: { role: 'user' } });
  });

  it('lets a scanner token through where the route opted in, its own role check still applying', async () => {
    expect(await get('/door', 'scanner')).toEqual({ status: 200, body: { role: 'scanner' } });
    expect(await get('/door', 'user')).toEqual({ status: 200, body: { role: 'user' } });
    expect(await get('/door-admins', 'scanner')).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await get('/door')).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_REQUIRED' } });
  });
});

describe('scanner accounts in the users service', () => {
  let service: DomainServiceHandle;
  let call: Caller;
  let adminToken: string;

  beforeAll(async () => {
    service = await startService('users', testConfig({ SERVICE_MODE: 'api' }), testLogger());
    call = caller(`http://127.0.0.1:${service.port}`);
    adminToken = (await signIn(call, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(async () => service?.stop());

  it('are made by an admin; their token carries the scanner role and only opens the session routes', async () => {
    const email = uniqueEmail('door');
    const created = await call('POST', '/users', {
      token: adminToken,
      body: { email, password: PASSWORD, name: 'Door staff', role: 'scanner' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.role).toBe('scanner');
    expect(
      (await call('GET', '/users?role=scanner&limit=100', { token: adminToken })).body.items.map((u: { id: string }) => u.id),
    ).toContain(created.body.id);

    const tokens = await signIn(call, email);
    expect(decodeJwt(tokens.accessToken).role).toBe('scanner');
    // The account's own session routes are open to it; nothing else is.
    expect((await call('GET', '/auth/me', { token: tokens.accessToken })).body).toMatchObject({ email, role: 'scanner' });
    const preferences = await call('GET', '/users/me/preferences', { token: tokens.accessToken });
    expect(preferences.status).toBe(403);
    expect(preferences.body.code).toBe('SCANNER_TOKEN_RESTRICTED');
    expect((await call('POST', '/auth/logout', { token: tokens.accessToken })).status).toBe(204);
  });

  it('end their sessions when the role changes, so no token keeps the old role', async () => {
    const email = uniqueEmail('door');
    const created = await call('POST', '/users', {
      token: adminToken,
      body: { email, password: PASSWORD, name: 'Door staff', role: 'user' },
    });
    const asUser = await signIn(call, email);
    expect((await call('PUT', `/users/${created.body.id}/role`, { token: adminToken, body: { role: 'scanner' } })).body.role).toBe(
      'scanner',
    );
    // The customer session that came before is over: its refresh token no longer works.
    expect((await call('POST', '/auth/refresh', { body: { refreshToken: asUser.refreshToken } })).status).toBe(401);

    const asScanner = await signIn(call, email);
    expect(decodeJwt(asScanner.accessToken).role).toBe('scanner');
    expect((await call('PUT', `/users/${created.body.id}/role`, { token: adminToken, body: { role: 'user' } })).body.role).toBe('user');
    expect((await call('POST', '/auth/refresh', { body: { refreshToken: asScanner.refreshToken } })).status).toBe(401);
  });
});
