// The users service's signing keys: the first signs access tokens, every key's public half is published as JWKS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { persistentSecret, secretsDir } from '../secrets.ts';

/** The algorithms Eventix signs with and the only ones any verifier accepts. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export interface SigningKey {
  kid: string;
  alg: TokenAlgorithm;
  privateKey: CryptoKey;
}

export interface SigningKeys {
  /** Signs every new token. */
  active: SigningKey;
  /** The public halves of every configured key, as served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
}

const PrivateJwkSchema = z.union([
  z.object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().min(1),
    d: z.string().min(1),
    kid: z.string().min(1).optional(),
  }),
  z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1),
    kid: z.string().min(1).optional(),
  }),
]);
const KeysFileSchema = z.object({ keys: z.array(PrivateJwkSchema).min(1) });

export class KeysError extends Error {
  override name = 'KeysError';
}

async function generateKeysFile(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return `${JSON.stringify({ keys: [{ ...jwk, kid }] }, null, 2)}\n`;
}

/** Parses a keys file's text: {"keys": [private JWK, ...]} with Ed25519 (EdDSA) or P-256 (ES256) keys. */
export async function parseSigningKeys(text: string, source: string): Promise<SigningKeys> {
  let parsed;
  try {
    parsed = KeysFileSchema.parse(JSON.parse(text));
  } catch (err) {
    const reason =
      err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
    throw new KeysError(`${source} is not a valid keys file ({"keys": [private Ed25519 or P-256 JWK, ...]}): ${reason}`);
  }
  const keys = await Promise.all(
    parsed.keys.map(async (jwk) => {
      const alg: TokenAlgorithm = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
      const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
      const privateKey = await importJWK({ ...jwk, alg }, alg);
      if (privateKey instanceof Uint8Array) throw new KeysError(`${source}: key ${kid} is not an asymmetric private key`);
      const { d, ...publicJwk } = jwk;
      const published: JWK = { ...publicJwk, kid, alg, use: 'sig' };
      return { signing: { kid, alg, privateKey }, published };
    }),
  );
  const kids = keys.map((k) => k.signing.kid);
  if (new Set(kids).size !== kids.length) throw new KeysError(`${source} holds two keys with the same kid`);
  return { active: keys[0]!.signing, jwks: { keys: keys.map((k) => k.published) } };
}

/**
 * Loads the signing keys from AUTH_KEYS_FILE. Outside production a key pair is generated once and kept in
 * the data folder; production refuses to start without configured keys.
 */
export async function loadSigningKeys(config: Pick<Config, 'env' | 'dataDir' | 'auth'>): Promise<SigningKeys> {
  if (config.auth.keysFile) {
    let text: string;
    try {
      text = readFileSync(config.auth.keysFile, 'utf8');
    } catch (err) {
      throw new KeysError(`AUTH_KEYS_FILE ${config.auth.keysFile} cannot be read: ${(err as Error).message}`);
    }
    return parseSigningKeys(text, `AUTH_KEYS_FILE ${config.auth.keysFile}`);
  }
  if (config.env === 'production') {
    throw new KeysError('AUTH_KEYS_FILE must name the token signing keys in production (a JSON file {"keys": [private JWK, ...]})');
  }
  return ensureKeysFile(join(secretsDir(config), 'auth-keys.json'));
}

/** The keys in `file`, generated there first (one Ed25519 key) when it does not exist; safe for concurrent starts. */
export async function ensureKeysFile(file: string): Promise<SigningKeys> {
  return parseSigningKeys(await persistentSecret(file, generateKeysFile), file);
}
