// Token signing keys: generated once in development, required in production, several published while they rotate.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { loadSigningKeys } from '../common/auth/keys.ts';
import { Hono } from 'hono';
import { localKeys, remoteKeys, verifierFor } from '../common/auth/verify.ts';
import { listen } from '../common/http/listen.ts';
import { ConfigError, loadConfig } from '../common/config.ts';
import { issueAccessToken } from '../domain/users/tokens.ts';
import { testConfig } from './support/context.ts';

const subject = {
  userId: '00000000-0000-4000-8000-00000000000a',
  role: 'user' as const,
  sessionId: '00000000-0000-4000-8000-00000000000b',
};

async function privateJwk(alg: 'EdDSA' | 'ES256') {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk) };
}

describe('signing keys', () => {
  it('are generated once outside production and kept in the data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eventix-keys-'));
    const config = testConfig({ DATA_DIR: dataDir });
    const first = await loadSigningKeys(config);
    const stored = readFileSync(join(dataDir, 'secrets', 'auth-keys.json'), 'utf8');
    const second = await loadSigningKeys(config);
    expect(second.active.kid).toBe(first.active.kid);
    expect(readFileSync(join(dataDir, 'secrets', 'auth-keys.json'), 'utf8')).toBe(stored);
    expect(first.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('must be configured in production', async () => {
    const config = testConfig({ NODE_ENV: 'production' });
    await expect(loadSigningKeys(config)).rejects.toThrow(/AUTH_KEYS_FILE must name the token signing keys in production/);
  });

  it('refuse a file that holds no usable private key, naming the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eventix-keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    await expect(loadSigningKeys(testConfig({ AUTH_KEYS_FILE: file }))).rejects.toThrow(new RegExp(`${file} is not a valid keys file`));
  });

  it('rotate: the first key signs, the older one is still published and still verifies its tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventix-keys-'));
    const [older, newer] = [await privateJwk('EdDSA'), await privateJwk('ES256')];
    writeFileSync(join(dir, 'before.json'), JSON.stringify({ keys: [older] }));
    writeFileSync(join(dir, 'after.json'), JSON.stringify({ keys: [newer, older] }));
    const before = await loadSigningKeys(testConfig({ AUTH_KEYS_FILE: join(dir, 'before.json') }));
    const after = await loadSigningKeys(testConfig({ AUTH_KEYS_FILE: join(dir, 'after.json') }));
    expect(after.active.kid).toBe(newer.kid);
    expect(after.active.alg).toBe('ES256');
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([newer.kid, older.kid]);

    const auth = testConfig().auth;
    const verifier = verifierFor(auth, localKeys(after.jwks));
    const oldToken = await issueAccessToken(before, auth, subject);
    const newToken = await issueAccessToken(after, auth, subject);
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId: subject.userId });
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ sessionId: subject.sessionId });
    // Once the older key is withdrawn, its tokens stop working.
    const withdrawn = verifierFor(auth, localKeys({ keys: [after.jwks.keys[0]!] }));
    await expect(withdrawn.verify(oldToken)).rejects.toMatchObject({ status: 401 });
  });
});

describe('keys fetched from the users service', () => {
  it('are cached, fetched again for an unknown kid, and kept when the users service is away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventix-keys-'));
    const [older, newer] = [await privateJwk('EdDSA'), await privateJwk('EdDSA')];
    writeFileSync(join(dir, 'before.json'), JSON.stringify({ keys: [older] }));
    writeFileSync(join(dir, 'after.json'), JSON.stringify({ keys: [newer, older] }));
    const before = await loadSigningKeys(testConfig({ AUTH_KEYS_FILE: join(dir, 'before.json') }));
    const after = await loadSigningKeys(testConfig({ AUTH_KEYS_FILE: join(dir, 'after.json') }));
    let published = before.jwks;
    let fetches = 0;
    const users = new Hono();
    users.get('/.well-known/jwks.json', (c) => {
      fetches++;
      return c.json(published);
    });
    const server = await listen(users, 0, '127.0.0.1');
    const auth = testConfig().auth;
    const verifier = verifierFor(auth, remoteKeys({ urls: [`http://127.0.0.1:${server.port}`], refetchCooldownMs: 0 }));
    try {
      const oldToken = await issueAccessToken(before, auth, subject);
      await verifier.verify(oldToken);
      await verifier.verify(oldToken);
      expect(fetches).toBe(1);

      published = after.jwks;
      await expect(verifier.verify(await issueAccessToken(after, auth, subject))).resolves.toMatchObject({ userId: subject.userId });
      expect(fetches).toBe(2);

      const stranger = await loadSigningKeys(testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'eventix-keys-')) }));
      await expect(verifier.verify(await issueAccessToken(stranger, auth, subject))).rejects.toMatchObject({ status: 401 });
    } finally {
      await server.close();
    }
    await expect(verifier.verify(await issueAccessToken(after, auth, subject))).resolves.toMatchObject({ userId: subject.userId });
  });

  it('answer 503 rather than 401 when no key was ever fetched', async () => {
    const auth = testConfig().auth;
    const verifier = verifierFor(auth, remoteKeys({ urls: ['http://127.0.0.1:9'] }));
    const keys = await loadSigningKeys(testConfig());
    await expect(verifier.verify(await issueAccessToken(keys, auth, subject))).rejects.toMatchObject({
      status: 503,
      code: 'AUTH_UNAVAILABLE',
    });
  });
});

describe('production configuration', () => {
  it('requires a gateway secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/GATEWAY_SECRET: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_SECRET: 'x'.repeat(32) }).auth.gatewaySecret).toBe('x'.repeat(32));
    expect(() => loadConfig({ GATEWAY_SECRET: 'short' })).toThrow(/GATEWAY_SECRET: expected at least 32 characters/);
  });
});
