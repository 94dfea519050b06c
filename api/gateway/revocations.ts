// Sessions the gateway refuses: learned from session.revoked on RabbitMQ, and from the users service when (re)connecting.
import type { ChannelModel } from 'amqplib';
import { RevocationsSchema } from '../../common/auth/session-status.ts';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { createServiceClient } from '../../common/http/service-client.ts';
import type { Logger } from '../../common/logger.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import { sessionRevokedV1 } from '../../contracts/users.ts';

/** Revoked session ids, each kept until no access token of that session can still be valid. */
export class RevokedSessions {
  readonly #until = new Map<string, number>();

  add(sessionId: string, tokensValidUntil: Date): void {
    const until = tokensValidUntil.getTime();
    if (until > Date.now() && until > (this.#until.get(sessionId) ?? 0)) this.#until.set(sessionId, until);
  }

  has(sessionId: string): boolean {
    const until = this.#until.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#until.delete(sessionId);
    return false;
  }

  prune(): void {
    const now = Date.now();
    for (const [sessionId, until] of this.#until) if (until <= now) this.#until.delete(sessionId);
  }

  get size(): number {
    return this.#until.size;
  }
}

/** Asks the users service for the revocations still in force; throws UpstreamUnavailable when no instance answers. */
export async function fetchRevocations(options: {
  urls: string[];
  secret: string;
  revoked: RevokedSessions;
  fetch?: typeof fetch;
}): Promise<number> {
  const users = createServiceClient({ service: 'users', instances: options.urls, fetch: options.fetch });
  const { items } = await users.getJson('/internal/revoked-sessions', RevocationsSchema, {
    headers: { [GATEWAY_PROOF_HEADER]: options.secret },
  });
  for (const item of items) options.revoked.add(item.sessionId, new Date(item.tokensValidUntil));
  return items.length;
}

/**
 * Subscribes this gateway instance to session.revoked (a queue of its own that disappears with it).
 * Runs after every (re)connect to RabbitMQ; `onSubscribed` then catches up on what was missed.
 */
export function subscribeRevocations(options: {
  exchange: string;
  revoked: RevokedSessions;
  logger: Logger;
  onSubscribed: () => void;
}): (model: ChannelModel) => Promise<void> {
  const { revoked, logger } = options;
  const revocation = on(sessionRevokedV1, (sessions: RevokedSessions, { data }) => {
    sessions.add(data.sessionId, new Date(data.tokensValidUntil));
  });
  return async (model) => {
    const channel = await model.createChannel();
    await channel.prefetch(200);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, options.exchange, revocation.contract.routingKey);
    await channel.consume(queue, (message) => {
      if (!message) return;
      try {
        revocation.read(JSON.parse(message.content.toString('utf8'))).apply(revoked);
        channel.ack(message);
      } catch (err) {
        logger.error({ err, messageId: message.properties.messageId }, 'unreadable session.revoked message dropped');
        channel.nack(message, false, false);
      }
    });
    options.onSubscribed();
  };
}
