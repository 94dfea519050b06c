// The address a request came from: the socket's, or the one the gateway vouches for.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export const FORWARDED_FOR_HEADER = 'x-forwarded-for';
/** Sent by the gateway with the shared secret; without it a forwarded address is the client's own claim and is ignored. */
export const GATEWAY_PROOF_HEADER = 'x-eventix-gateway';

export function socketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket.remoteAddress;
}

export function isFromGateway(c: Context, secret: string): boolean {
  const proof = c.req.header(GATEWAY_PROOF_HEADER);
  if (!proof) return false;
  const a = Buffer.from(proof);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The client's address for rate limits and session records. */
export function clientAddress(c: Context, gatewaySecret: string): string {
  if (isFromGateway(c, gatewaySecret)) {
    const forwarded = c.req.header(FORWARDED_FOR_HEADER)?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return socketAddress(c) ?? 'unknown';
}
