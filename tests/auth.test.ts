// Tokens the whole platform trusts: every forged or stale token is refused at the gateway and again at each service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWTPayload,
  type JWTHeaderParameters,
} from 'jose';
import { startGateway } from '../api/gateway/gateway.server.ts';
import { loadSigningKeys, type SigningKeys } from '../common/auth/keys.ts';
import { SERVICE_NAMES, type ServiceName } from '../common/config.ts';
import { listen, type Listening } from '../common/http/listen.ts';
import type { DomainServiceHandle } from '../workers/service-runtime.ts';
import { startService, testConfig, testLogger } from './support/context.ts';
import { caller, type Caller } from './support/http.ts';
import { newCustomer, PASSWORD } from './support/users.ts';
import { until } from './support/wait.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  const logger = testLogger();
  const services = {} as Record<ServiceName, DomainServiceHandle>;
  const direct = {} as Record<ServiceName, Caller>;
  let upstreamHits = 0;
  let echo: Listening;
  let gateway: { port: number; stop(): Promise<void> };
  let viaGateway: Caller;
  let keys: SigningKeys;
  let overrides: Record<string, string>;

  beforeAll(async () => {
    // The events service's place behind the gateway is taken by a stand-in that counts what reaches it.
    const stand = new Hono();
    stand.all('*', (c) => {
      upstreamHits++;
      return c.json({ reached: true, path: c.req.path });
    });
    echo = await listen(stand, 0, '127.0.0.1');
    const usersConfig = testConfig({ SERVICE_MODE: 'api' });
    services.users = await startService('users', usersConfig, logger);
    overrides = { SERVICE_MODE: 'api', USERS_URLS: `http://127.0.0.1:${services.users.port}` };
    for (const name of SERVICE_NAMES.filter((s) => s !== 'users')) {
      services[name] = await startService(name, testConfig(overrides), logger);
    }
    for (const name of SERVICE_NAMES) direct[name] = caller(`http://127.0.0.1:${services[name].port}`);
    gateway = await startGateway(testConfig({ ...overrides, GATEWAY_PORT: '0', EVENTS_URLS: `http://127.0.0.1:${echo.port}` }), logger);
    viaGateway = caller(`http://127.0.0.1:${gateway.port}/api/v1`);
    keys = await loadSigningKeys(usersConfig);
  });

  afterAll(async () => {
    await gateway?.stop();
    for (const service of Object.values(services)) await service.stop();
    await echo?.close();
  });

  /** A token signed with Eventix's real key; `claims` and `header` override or (with undefined) remove fields. */
  async function signed(
    claims: Record<string, unknown> = {},
    header: Partial<JWTHeaderParameters> = {},
    key: CryptoKey | Uint8Array = keys.active.privateKey,
  ): Promise<string> {
    const config = testConfig();
    const now = Math.floor(Date.now() / 1000);
    const payload = Object.fromEntries(
      Object.entries({
        iss: config.auth.issuer,
        aud: config.auth.audience,
        sub: '00000000-0000-4000-8000-000000000001',
        sid: '00000000-0000-4000-8000-000000000002',
        role: 'admin',
        iat: now,
        exp: now + 600,
        ...claims,
      }).filter(([, v]) => v !== undefined),
    ) as JWTPayload;
    const protectedHeader = Object.fromEntries(
      Object.entries({ alg: keys.active.alg, kid: keys.active.kid, typ: 'at+jwt', ...header }).filter(([, v]) => v !== undefined),
    ) as JWTHeaderParameters;
    return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
  }

  async function forgedTokens(refreshToken: string): Promise<Record<string, string>> {
    const good = await signed();
    const [h, p] = good.split('.');
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const es384 = await generateKeyPair('ES384', { extractable: true });
    const ourPublicJwk = keys.jwks.keys[0]!;
    const publicPem = await exportSPKI((await importJWK(ourPublicJwk, ourPublicJwk.alg)) as CryptoKey);
    return {
      'alg none': `${b64({ alg: 'none', typ: 'at+jwt', kid: keys.active.kid })}.${p}.`,
      'HS256 signed with the public key (PEM)': await signed({}, { alg: 'HS256' }, new TextEncoder().encode(publicPem)),
      'HS256 signed with the public key (JWK x)': await signed({}, { alg: 'HS256' }, Buffer.from(ourPublicJwk.x!, 'base64url')),
      'an algorithm outside the allow-list (ES384)': await signed({}, { alg: 'ES384' }, es384.privateKey),
      'a bad signature': `${h}.${p}.${Buffer.alloc(64, 7).toString('base64url')}`,
      expired: await signed({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 }),
      'nbf in the future': await signed({ nbf: Math.floor(Date.now() / 1000) + 600 }),
      'no exp': await signed({ exp: undefined }),
      'no sub': await signed({ sub: undefined }),
      'a wrong issuer': await signed({ iss: 'https://evil.example' }),
      'a wrong audience': await signed({ aud: 'another-api' }),
      'a refresh token': refreshToken,
      'an unknown kid': await signed({}, { kid: 'not-a-key-of-ours' }, attacker.privateKey),
      'a jku header pointing at another key': await signed(
        {},
        { jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' },
        attacker.privateKey,
      ),
      'an embedded jwk': await signed({}, { jwk: await exportJWK(attacker.publicKey), kid: undefined }, attacker.privateKey),
      'an embedded jwk beside our kid': await signed({}, { jwk: await exportJWK(attacker.publicKey) }, attacker.privateKey),
      'a token that is not an access token (typ JWT)': await signed({}, { typ: 'JWT' }),
      'an unknown role': await signed({ role: 'superuser' }),
    };
  }

  it('refuses every forged, stale or misused token at the gateway, before anything is forwarded', async () => {
    const customer = await newCustomer(viaGateway, 'forger');
    const tokens = await forgedTokens(customer.refreshToken);
    const before = upstreamHits;
    for (const [name, token] of Object.entries(tokens)) {
      const res = await viaGateway('GET', '/events/anything', { token });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(upstreamHits).toBe(before);
    // The same request with the customer's real token goes through.
    expect((await viaGateway('GET', '/events/anything', { token: customer.accessToken })).status).toBe(200);
    expect(upstreamHits).toBe(before + 1);
  });

  it('refuses the same tokens at each service directly', async () => {
    const customer = await newCustomer(viaGateway, 'direct');
    const tokens = await forgedTokens(customer.refreshToken);
    for (const service of SERVICE_NAMES) {
      for (const [name, token] of Object.entries(tokens)) {
        const res = await direct[service]('GET', '/whoami', { token });
        expect({ service, name, status: res.status }).toEqual({ service, name, status: 401 });
      }
      const ok = await direct[service]('GET', '/whoami', { token: customer.accessToken });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ userId: customer.id, role: 'user' });
    }
  });

  it('never takes an identity header for a token', async () => {
    const forged = { 'x-user-id': '00000000-0000-4000-8000-000000000001', 'x-user-role': 'admin', 'x-eventix-gateway': 'guess' };
    for (const service of SERVICE_NAMES) {
      const res = await direct[service]('GET', '/whoami', { headers: forged });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTHENTICATION_REQUIRED');
    }
    expect((await viaGateway('GET', '/users', { headers: forged })).status).toBe(401);
  });

  it('refuses the access token of a logged-out session through the gateway', async () => {
    const customer = await newCustomer(viaGateway, 'logout');
    expect((await viaGateway('GET', '/events/x', { token: customer.accessToken })).status).toBe(200);
    expect((await viaGateway('POST', '/auth/logout', { token: customer.accessToken })).status).toBe(204);
    let res = await viaGateway('GET', '/events/x', { token: customer.accessToken });
    // The revocation reaches the gateway as a fact; how fast it does is measured by `npm run bench:latency`.
    await until(async () => (res = await viaGateway('GET', '/events/x', { token: customer.accessToken })).status === 401, 15_000);
    expect(res.body.code).toBe('SESSION_REVOKED');
    // Once refused, it stays refused, and no refused request reaches the service behind the gateway.
    const hitsAtRefusal = upstreamHits;
    expect((await viaGateway('GET', '/events/x', { token: customer.accessToken })).status).toBe(401);
    expect(upstreamHits).toBe(hitsAtRefusal);
    // The users service refuses it from its own records as well.
    expect((await direct.users('GET', '/auth/me', { token: customer.accessToken })).status).toBe(401);
  });

  it('refuses a revoked session on another device, and a restarted gateway knows it from the start', async () => {
    const customer = await newCustomer(viaGateway, 'devices');
    const other = await viaGateway('POST', '/auth/login', { body: { email: customer.email, password: PASSWORD } });
    const otherToken = (other.body as { accessToken: string }).accessToken;
    expect((await viaGateway('GET', '/events/x', { token: otherToken })).status).toBe(200);
    expect((await viaGateway('DELETE', '/users/me/sessions', { token: customer.accessToken })).body).toEqual({ revoked: 1 });
    let refused = await viaGateway('GET', '/events/x', { token: otherToken });
    await until(async () => (refused = await viaGateway('GET', '/events/x', { token: otherToken })).status === 401, 15_000);
    expect(refused.body.code).toBe('SESSION_REVOKED');

    const restarted = await startGateway(
      testConfig({ ...overrides, GATEWAY_PORT: '0', EVENTS_URLS: `http://127.0.0.1:${echo.port}` }),
      logger,
    );
    try {
      const fresh = caller(`http://127.0.0.1:${restarted.port}/api/v1`);
      const first = await fresh('GET', '/events/x', { token: otherToken });
      expect(first.status).toBe(401);
      expect(first.body.code).toBe('SESSION_REVOKED');
      expect((await fresh('GET', '/events/x', { token: customer.accessToken })).status).toBe(200);
    } finally {
      await restarted.stop();
    }
  });

  it('publishes its public keys with a kid, at the users service and through the gateway', async () => {
    const jwks = await direct.users('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).toMatchObject({ kid: keys.active.kid, alg: keys.active.alg, use: 'sig' });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
    const viaGw = await fetch(`http://127.0.0.1:${gateway.port}/.well-known/jwks.json`);
    expect(await viaGw.json()).toEqual(jwks.body);
  });
});
