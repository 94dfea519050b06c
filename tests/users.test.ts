// The users service: accounts, sessions with rotating refresh tokens, profile, preferences, notifications, admin tools.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startGateway } from '../api/gateway/gateway.server.ts';
import { GATEWAY_PROOF_HEADER } from '../common/http/client-address.ts';
import { UserAccount } from '../entities/users/user-account.entity.ts';
import { addNotification } from '../domain/users/profile.ts';
import { loadSigningKeys } from '../common/auth/keys.ts';
import type { DomainServiceHandle, OpenedDomainService } from '../workers/service-runtime.ts';
import { usersContext } from '../workers/users.service.ts';
import { openService, startService, testConfig, testLogger } from './support/context.ts';
import { caller, type Caller } from './support/http.ts';
import { ADMIN, PASSWORD, newCustomer, signIn, uniqueEmail } from './support/users.ts';

describe('the users service', () => {
  const logger = testLogger();
  const config = testConfig({ SERVICE_MODE: 'api' });
  let service: DomainServiceHandle;
  let call: Caller;
  let opened: OpenedDomainService;
  let adminToken: string;

  beforeAll(async () => {
    service = await startService('users', config, logger);
    call = caller(`http://127.0.0.1:${service.port}`);
    opened = await openService('users', config, logger);
    adminToken = (await signIn(call, ADMIN.email, ADMIN.password)).accessToken;
  });

  afterAll(async () => {
    await opened?.close();
    await service?.stop();
  });

  describe('accounts', () => {
    it('registers a customer with a normalised email, whatever role the body claims', async () => {
      const email = uniqueEmail('Mixed.Case');
      const res = await call('POST', '/auth/register', {
        body: { email: `  ${email.toUpperCase()} `.trim(), password: PASSWORD, name: ' Ada ', role: 'admin', status: 'active' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email: email.toLowerCase(), name: 'Ada', role: 'user', status: 'active' });
      const again = await call('POST', '/auth/register', { body: { email: email.toLowerCase(), password: PASSWORD, name: 'Ada' } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('EMAIL_TAKEN');
    });

    it('refuses weak passwords and bad fields with a 422 naming them, and creates nothing', async () => {
      const email = uniqueEmail('weak');
      for (const password of ['short1', 'password123', 'aaaaaaaaaaaa', `${email.split('@')[0]}!!`]) {
        const res = await call('POST', '/auth/register', { body: { email, password, name: 'Weak' } });
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      }
      const bad = await call('POST', '/auth/register', { body: { email: 'not-an-email', password: '123' } });
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name', 'password']);
      expect(await opened.deps.orm.em.fork().count(UserAccount, { email })).toBe(0);
    });

    it('stores the password as argon2id with at least the OWASP parameters', async () => {
      const customer = await newCustomer(call, 'hash');
      const [row] = await opened.deps.orm.em
        .fork()
        .execute<{ password_hash: string }[]>('select password_hash from user_account where id = ?', [customer.id]);
      const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row!.password_hash);
      expect(match).not.toBeNull();
      const [, m, t, p] = match!.map(Number);
      expect(m).toBeGreaterThanOrEqual(19_456);
      expect(t).toBeGreaterThanOrEqual(2);
      expect(p).toBe(1);
      expect(row!.password_hash).not.toContain(PASSWORD);
    });

    it('signs in with an EdDSA access token carrying iss, aud, sub, role, sid, iat, exp (15 minutes) and typ', async () => {
      const customer = await newCustomer(call, 'claims');
      const res = await call('POST', '/auth/login', { body: { email: customer.email.toUpperCase(), password: PASSWORD } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      const header = decodeProtectedHeader(res.body.accessToken);
      expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
      const jwks = await call('GET', '/.well-known/jwks.json');
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
      const claims = decodeJwt(res.body.accessToken);
      expect(claims).toMatchObject({ iss: config.auth.issuer, aud: config.auth.audience, sub: customer.id, role: 'user' });
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(typeof claims.sid).toBe('string');
      const me = await call('GET', '/auth/me', { token: res.body.accessToken });
      expect(me.body).toMatchObject({ id: customer.id, email: customer.email });
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const customer = await newCustomer(call, 'wrong');
      const wrong = await call('POST', '/auth/login', { body: { email: customer.email, password: 'not the password' } });
      const unknown = await call('POST', '/auth/login', { body: { email: uniqueEmail('nobody'), password: PASSWORD } });
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.body.detail).toBe(wrong.body.detail);
    });
  });

  describe('sessions and refresh tokens', () => {
    it('rotates the refresh token on every use', async () => {
      const customer = await newCustomer(call, 'rotate');
      const first = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(customer.refreshToken);
      expect(decodeJwt(first.body.accessToken).sid).toBe(decodeJwt(customer.accessToken).sid);
      const second = await call('POST', '/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
      expect(second.status).toBe(200);
      const [row] = await opened.deps.orm.em
        .fork()
        .execute<{ n: string }[]>('select count(*) as n from refresh_token where token_hash = ? or token_hash = ?', [
          customer.refreshToken,
          first.body.refreshToken,
        ]);
      expect(Number(row!.n)).toBe(0); // only hashes are stored
    });

    it('revokes the whole session when a rotated refresh token is presented again', async () => {
      const customer = await newCustomer(call, 'reuse');
      const rotated = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      // The legitimate holder went on with the session: the old token presented now is a copy.
      const onward = await call('POST', '/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
      expect(onward.status).toBe(200);
      const replay = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
      // The legitimate holder's newer tokens die with the session.
      const newer = await call('POST', '/auth/refresh', { body: { refreshToken: onward.body.refreshToken } });
      expect(newer.status).toBe(401);
      expect(newer.body.code).toBe('SESSION_ENDED');
      expect((await call('GET', '/auth/me', { token: rotated.body.accessToken })).status).toBe(401);
      const [row] = await opened.deps.orm.em
        .fork()
        .execute<{ revoked_reason: string }[]>('select revoked_reason from user_session where id = ?', [
          decodeJwt(customer.accessToken).sid,
        ]);
      expect(row!.revoked_reason).toBe('refresh_token_reuse');
    });

    it('rotates again when a refresh answer was lost, and only the pair answered last works', async () => {
      const customer = await newCustomer(call, 'lost-answer');
      // The first answer never reaches the client (a reload mid-refresh): it presents the same token again.
      const lost = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      expect(lost.status).toBe(200);
      const retried = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.body.refreshToken).not.toBe(lost.body.refreshToken);
      expect((await call('GET', '/auth/me', { token: retried.body.accessToken })).status).toBe(200);
      // The lost answer's refresh token is void; the session goes on with the pair answered last.
      const stale = await call('POST', '/auth/refresh', { body: { refreshToken: lost.body.refreshToken } });
      expect([stale.status, stale.body.code]).toEqual([401, 'REFRESH_TOKEN_INVALID']);
      const onward = await call('POST', '/auth/refresh', { body: { refreshToken: retried.body.refreshToken } });
      expect(onward.status).toBe(200);
      // Once the session went on, the first token presented again is a copy: the session ends.
      const copy = await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } });
      expect([copy.status, copy.body.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
    });

    it('ends the session on logout: its refresh token and access token stop working', async () => {
      const customer = await newCustomer(call, 'logout');
      expect((await call('POST', '/auth/logout', { token: customer.accessToken })).status).toBe(204);
      expect((await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } })).body.code).toBe('SESSION_ENDED');
      expect((await call('GET', '/auth/me', { token: customer.accessToken })).body.code).toBe('SESSION_REVOKED');
    });

    it('lists my sessions and ends one or all but the current, never another user’s', async () => {
      const a = await newCustomer(call, 'owner');
      const aPhone = await signIn(call, a.email);
      const aTablet = await signIn(call, a.email);
      const b = await newCustomer(call, 'intruder');
      const list = await call('GET', '/users/me/sessions', { token: a.accessToken });
      expect(list.body.items).toHaveLength(3);
      expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      const phoneSid = decodeJwt(aPhone.accessToken).sid as string;

      expect((await call('GET', '/users/me/sessions', { token: b.accessToken })).body.items.map((s: { id: string }) => s.id)).not.toContain(
        phoneSid,
      );
      const steal = await call('DELETE', `/users/me/sessions/${phoneSid}`, { token: b.accessToken });
      expect(steal.status).toBe(404);
      expect(steal.body.code).toBe('SESSION_NOT_FOUND');
      expect((await call('GET', '/auth/me', { token: aPhone.accessToken })).status).toBe(200);

      expect((await call('DELETE', `/users/me/sessions/${phoneSid}`, { token: a.accessToken })).status).toBe(204);
      expect((await call('GET', '/auth/me', { token: aPhone.accessToken })).status).toBe(401);
      expect((await call('DELETE', '/users/me/sessions', { token: a.accessToken })).body).toEqual({ revoked: 1 });
      expect((await call('GET', '/auth/me', { token: aTablet.accessToken })).status).toBe(401);
      expect((await call('GET', '/users/me/sessions', { token: a.accessToken })).body.items).toHaveLength(1);
    });

    it('records a revocation in the outbox as session.revoked', async () => {
      const customer = await newCustomer(call, 'outbox');
      await call('POST', '/auth/logout', { token: customer.accessToken });
      const sid = decodeJwt(customer.accessToken).sid;
      const rows = await opened.deps.orm.em
        .fork()
        .execute<{ payload: { data: { sessionId: string; reason: string } } }[]>(
          "select payload from outbox_message where routing_key = 'session.revoked.v1' and payload->'data'->>'sessionId' = ?",
          [sid],
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.payload).toMatchObject({ type: 'session.revoked', version: 1, producer: 'users', data: { reason: 'logout' } });
    });
  });

  describe('profile, preferences and notifications', () => {
    it('changes name and phone only; role and email in the body change nothing', async () => {
      const customer = await newCustomer(call, 'profile');
      const res = await call('PATCH', '/users/me', {
        token: customer.accessToken,
        body: { name: 'New Name', phone: '+44 20 7946 0958', role: 'admin', email: 'taken@example.com', isAdmin: true },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'New Name', phone: '+44 20 7946 0958', role: 'user', email: customer.email });
      const fresh = await signIn(call, customer.email);
      expect(decodeJwt(fresh.accessToken).role).toBe('user');
      const bad = await call('PATCH', '/users/me', { token: customer.accessToken, body: { phone: 'call me' } });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].field).toBe('phone');
    });

    it('keeps preferences: every kind on by default, then what the user chose', async () => {
      const customer = await newCustomer(call, 'prefs');
      const initial = await call('GET', '/users/me/preferences', { token: customer.accessToken });
      expect(initial.body.language).toBe('en');
      expect(Object.values(initial.body.emailNotifications).every(Boolean)).toBe(true);
      const chosen = { language: 'de', emailNotifications: { ...initial.body.emailNotifications, payment_receipt: false } };
      expect((await call('PUT', '/users/me/preferences', { token: customer.accessToken, body: chosen })).body).toEqual(chosen);
      expect((await call('GET', '/users/me/preferences', { token: customer.accessToken })).body).toEqual(chosen);
      const bad = await call('PUT', '/users/me/preferences', { token: customer.accessToken, body: { ...chosen, language: 'klingon' } });
      expect(bad.status).toBe(422);
    });

    it('pages through my notifications, counts the unread ones, and hides them from everyone else', async () => {
      const a = await newCustomer(call, 'inbox');
      const b = await newCustomer(call, 'snoop');
      const em = opened.deps.orm.em.fork();
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(
          addNotification(em, { userId: a.id, kind: 'booking_confirmed', title: `Booking ${i}`, body: `Your booking ${i} is confirmed.` }),
        );
        await em.flush(); // distinct creation times
      }
      const page1 = await call('GET', '/users/me/notifications?limit=2', { token: a.accessToken });
      expect(page1.body.items.map((n: { title: string }) => n.title)).toEqual(['Booking 2', 'Booking 1']);
      expect(page1.body.unreadCount).toBe(3);
      const page2 = await call('GET', `/users/me/notifications?limit=2&cursor=${page1.body.nextCursor}`, { token: a.accessToken });
      expect(page2.body.items.map((n: { title: string }) => n.title)).toEqual(['Booking 0']);
      expect(page2.body.nextCursor).toBeNull();
      expect((await call('GET', '/users/me/notifications?cursor=garbage', { token: a.accessToken })).status).toBe(422);

      expect((await call('GET', '/users/me/notifications', { token: b.accessToken })).body).toMatchObject({ items: [], unreadCount: 0 });
      const steal = await call('POST', `/users/me/notifications/${made[0]!.id}/read`, { token: b.accessToken });
      expect(steal.status).toBe(404);
      expect((await call('POST', `/users/me/notifications/${made[0]!.id}/read`, { token: a.accessToken })).body.readAt).not.toBeNull();
      expect((await call('GET', '/users/me/notifications?unread=true', { token: a.accessToken })).body.items).toHaveLength(2);
      expect((await call('POST', '/users/me/notifications/read-all', { token: b.accessToken })).body).toEqual({ marked: 0 });
      expect((await call('POST', '/users/me/notifications/read-all', { token: a.accessToken })).body).toEqual({ marked: 2 });
      expect((await call('GET', '/users/me/notifications', { token: a.accessToken })).body.unreadCount).toBe(0);
    });
  });

  describe('admins', () => {
    it('keep the admin routes to admins', async () => {
      const customer = await newCustomer(call, 'not-admin');
      for (const [method, path] of [
        ['GET', '/users'],
        ['POST', '/users'],
        ['GET', `/users/${customer.id}`],
        ['POST', `/users/${customer.id}/deactivate`],
      ] as const) {
        const res = await call(method, path, { token: customer.accessToken, body: method === 'POST' ? {} : undefined });
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      expect((await call('GET', '/users')).status).toBe(401);
    });

    it('find accounts by part of the email or name, a page at a time', async () => {
      const tag = `find${Date.now()}`;
      for (let i = 0; i < 3; i++) await newCustomer(call, tag);
      const page1 = await call('GET', `/users?q=${tag}&limit=2`, { token: adminToken });
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await call('GET', `/users?q=${tag}&limit=2&cursor=${page1.body.nextCursor}`, { token: adminToken });
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();
      const ids = [...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id);
      expect(new Set(ids).size).toBe(3);
      expect((await call('GET', '/users?q=%25', { token: adminToken })).body.items).toEqual([]);
    });

    it('create another admin, who can then use the admin routes', async () => {
      const email = uniqueEmail('second-admin');
      const created = await call('POST', '/users', {
        token: adminToken,
        body: { email, password: PASSWORD, name: 'Second admin', role: 'admin' },
      });
      expect(created.status).toBe(201);
      expect(created.body.role).toBe('admin');
      const token = (await signIn(call, email)).accessToken;
      expect((await call('GET', '/users?limit=1', { token })).status).toBe(200);
    });

    it('promote and demote; a demoted admin’s sessions end', async () => {
      const customer = await newCustomer(call, 'promote');
      expect((await call('PUT', `/users/${customer.id}/role`, { token: adminToken, body: { role: 'admin' } })).body.role).toBe('admin');
      const asAdmin = await signIn(call, customer.email);
      expect(decodeJwt(asAdmin.accessToken).role).toBe('admin');
      expect((await call('PUT', `/users/${customer.id}/role`, { token: adminToken, body: { role: 'user' } })).body.role).toBe('user');
      expect((await call('GET', '/users', { token: asAdmin.accessToken })).status).toBe(401);
      expect((await call('PUT', `/users/${customer.id}/role`, { token: adminToken, body: { role: 'root' } })).status).toBe(422);
      expect(
        (await call('PUT', '/users/00000000-0000-4000-8000-000000000000/role', { token: adminToken, body: { role: 'user' } })).status,
      ).toBe(404);
    });

    it('deactivate: sessions end and sign-in is refused until reactivated', async () => {
      const customer = await newCustomer(call, 'deactivate');
      const res = await call('POST', `/users/${customer.id}/deactivate`, { token: adminToken });
      expect(res.body.status).toBe('deactivated');
      expect((await call('GET', '/auth/me', { token: customer.accessToken })).status).toBe(401);
      expect((await call('POST', '/auth/refresh', { body: { refreshToken: customer.refreshToken } })).status).toBe(401);
      const login = await call('POST', '/auth/login', { body: { email: customer.email, password: PASSWORD } });
      expect(login.status).toBe(403);
      expect(login.body.code).toBe('ACCOUNT_DEACTIVATED');
      expect((await call('POST', `/users/${customer.id}/reactivate`, { token: adminToken })).body.status).toBe('active');
      expect((await call('POST', '/auth/login', { body: { email: customer.email, password: PASSWORD } })).status).toBe(200);
    });
  });

  describe('the default admin', () => {
    it('exists as admin@eventix.com with admin123 outside production', async () => {
      const me = await call('GET', '/auth/me', { token: adminToken });
      expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
    });

    it('stops production from starting with the well-known password', async () => {
      const { ensureDefaultAdmin } = await import('../domain/users/accounts.ts');
      const ctx = usersContext({ ...opened.deps, keys: await loadSigningKeys(config) });
      await expect(ensureDefaultAdmin(ctx, 'production')).rejects.toThrow(/ADMIN_PASSWORD/);
      await expect(ensureDefaultAdmin(ctx, 'development')).resolves.toBeUndefined();
    });
  });

  describe('sign-in limits', () => {
    const limited = testConfig({
      SERVICE_MODE: 'api',
      LOGIN_LIMIT_PER_IP: '4',
      LOGIN_LIMIT_PER_ACCOUNT: '3',
      LOGIN_LIMIT_WINDOW_SECONDS: '60',
    });
    const secret = limited.auth.gatewaySecret!;
    const viaGatewayFrom = (ip: string) => ({ [GATEWAY_PROOF_HEADER]: secret, 'x-forwarded-for': ip });
    let limitedCall: Caller;
    let limitedService: OpenedDomainService;

    beforeAll(async () => {
      limitedService = await openService('users', limited, logger);
      limitedCall = caller(limitedService.app());
    });
    afterAll(async () => limitedService?.close());

    it('limits attempts per client address, with Retry-After', async () => {
      const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}:${Date.now()}`;
      for (let i = 0; i < 4; i++) {
        const res = await limitedCall('POST', '/auth/login', {
          body: { email: uniqueEmail('ip'), password: 'whatever1' },
          headers: viaGatewayFrom(ip),
        });
        expect(res.status).toBe(401);
      }
      const limitedRes = await limitedCall('POST', '/auth/login', {
        body: { email: uniqueEmail('ip'), password: 'whatever1' },
        headers: viaGatewayFrom(ip),
      });
      expect(limitedRes.status).toBe(429);
      expect(limitedRes.body.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(limitedRes.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another address is not affected.
      expect(
        (
          await limitedCall('POST', '/auth/login', {
            body: { email: uniqueEmail('ip'), password: 'whatever1' },
            headers: viaGatewayFrom(`${ip}-b`),
          })
        ).status,
      ).toBe(401);
    });

    it('limits failed attempts per account, even with the right password after that', async () => {
      const customer = await newCustomer(call, 'guessed');
      for (let i = 0; i < 3; i++) {
        const res = await limitedCall('POST', '/auth/login', {
          body: { email: customer.email, password: `guess-${i}-xx` },
          headers: viaGatewayFrom(`203.0.113.${i}:${Date.now()}`),
        });
        expect(res.status).toBe(401);
      }
      const blocked = await limitedCall('POST', '/auth/login', {
        body: { email: customer.email, password: PASSWORD },
        headers: viaGatewayFrom(`203.0.113.9:${Date.now()}`),
      });
      expect(blocked.status).toBe(429);
    });

    it('checks no more passwords than the account limit when wrong ones arrive all at once', async () => {
      // The shipped per-account limit, on a service of its own so the other tests' attempts do not count.
      const defaults = testConfig({ SERVICE_MODE: 'api', LOGIN_LIMIT_PER_ACCOUNT: '10', LOGIN_LIMIT_WINDOW_SECONDS: '300' });
      const service = await openService('users', defaults, logger);
      try {
        const at = caller(service.app());
        const customer = await newCustomer(call, 'rushed');
        const attempts = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            at('POST', '/auth/login', {
              body: { email: customer.email, password: `wrong-${i}-password` },
              headers: viaGatewayFrom(`203.0.113.${100 + i}:${Date.now()}`),
            }),
          ),
        );
        const statuses = attempts.map((a) => a.status);
        expect(statuses.filter((s) => s === 401)).toHaveLength(defaults.auth.loginLimits.perAccount);
        expect(statuses.filter((s) => s === 429)).toHaveLength(20 - defaults.auth.loginLimits.perAccount);
      } finally {
        await service.close();
      }
    });

    it('trusts a forwarded address only from the gateway', async () => {
      const customer = await newCustomer(call, 'spoof');
      const sessionIps = async () =>
        ((await call('GET', '/users/me/sessions', { token: customer.accessToken })).body.items as { ip: string }[]).map((s) => s.ip);
      // Straight to the service with a made-up X-Forwarded-For: the socket's address is recorded.
      await signIn(call, customer.email, PASSWORD, { 'x-forwarded-for': '192.0.2.66' });
      // With the gateway's proof, the forwarded address is the client's.
      await signIn(call, customer.email, PASSWORD, viaGatewayFrom('192.0.2.77'));
      // Through a real gateway, a client's own X-Forwarded-For is replaced by the address the gateway saw.
      const gateway = await startGateway(testConfig({ GATEWAY_PORT: '0', USERS_URLS: `http://127.0.0.1:${service.port}` }), logger);
      try {
        await signIn(caller(`http://127.0.0.1:${gateway.port}/api/v1`), customer.email, PASSWORD, { 'x-forwarded-for': '192.0.2.88' });
      } finally {
        await gateway.stop();
      }
      const ips = await sessionIps();
      expect(ips).toContain('192.0.2.77');
      expect(ips).not.toContain('192.0.2.66');
      expect(ips).not.toContain('192.0.2.88');
      expect(ips.filter((ip) => /127\.0\.0\.1$/.test(ip))).toHaveLength(3);
    });
  });
});
