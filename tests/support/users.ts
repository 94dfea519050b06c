// Accounts for tests: unique emails, a strong password, signing in through any caller.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Caller } from './http.ts';

export const PASSWORD = 'correct horse battery staple';
export const ADMIN = { email: 'admin@eventix.com', password: 'admin123' };

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID()}@example.com`;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function signIn(call: Caller, email: string, password = PASSWORD, headers?: Record<string, string>): Promise<Tokens> {
  const res = await call('POST', '/auth/login', { body: { email, password }, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Tokens;
}

/** Registers a new customer and signs them in. */
export async function newCustomer(call: Caller, tag = 'user'): Promise<Tokens & { id: string; email: string }> {
  const email = uniqueEmail(tag);
  const res = await call('POST', '/auth/register', { body: { email, password: PASSWORD, name: `Test ${tag}` } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: (res.body as { id: string }).id, email, ...(await signIn(call, email)) };
}
