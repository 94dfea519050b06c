// Sessions every process refuses at once: learned from session.revoked on RabbitMQ, and from the users service when
// (re)connecting. The gateway and every domain service follow the same feed, so a signed-out token reads nothing anywhere.
import type { ChannelModel } from 'amqplib';
import { sessionRevokedV1 } from '../../contracts/users.ts';
import { GATEWAY_PROOF_HEADER } from '../http/client-address.ts';
import { createServiceClient } from '../http/service-client.ts';
import type { Logger } from '../logger.ts';
import { on } from '../messaging/fact-handler.ts';
import { RevocationsSchema } from './session-status.ts';

/** Revoked session ids, each kept until no access token of that session can still be valid. */
export class RevokedSessions {
  readonly #until = new Map<string, number>();
  /**
   * True while this set is known complete: loaded from the users service since the feed last (re)subscribed, and the
   * subscription still open. Only then may a session it does not name be taken as open without asking the users service.
   */
  current = false;

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
 * Subscribes this process to session.revoked (a queue of its own that disappears with it).
 * Runs after every (re)connect to RabbitMQ; `onSubscribed` then catches up on what was missed.
 */
export function subscribeRevocations(options: {
  exchange: string;
  revoked: RevokedSessions;
  logger: Logger;
  onSubscribed: () => void;
  /** The subscription's channel closed (the broker went away): revocations may be missed until the next catch-up. */
  onLost?: () => void;
}): (model: ChannelModel) => Promise<void> {
  const { revoked, logger } = options;
  const revocation = on(sessionRevokedV1, (sessions: RevokedSessions, { data }) => {
    sessions.add(data.sessionId, new Date(data.tokensValidUntil));
  });
  const subscribe = async (model: ChannelModel): Promise<void> => {
    const channel = await model.createChannel();
    channel.on('close', () => options.onLost?.());
    await channel.prefetch(200);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, options.exchange, revocation.contract.routingKey);
    await channel.consume(queue, (message) => {
      if (!message) {
        // The broker cancelled the consumer (its queue went away) with the channel still open: nothing arrives until
        // it is subscribed again, which also catches up on what was missed.
        options.onLost?.();
        channel
          .close()
          .catch(() => undefined)
          .then(() => subscribe(model))
          .catch((err: unknown) => logger.warn({ err }, 'could not subscribe to session.revoked again; waiting for a reconnect'));
        return;
      }
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
  return subscribe;
}

export interface RevocationFeed {
  revoked: RevokedSessions;
  /** For the broker connection: subscribes after every (re)connect, then catches up on what was missed. */
  onConnect: (model: ChannelModel) => Promise<void>;
  /** Resolves true once revocations were loaded from the users service, false if `timeoutMs` passed first. */
  loaded(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/**
 * Follows revocations for one process: the session.revoked feed, and after each (re)subscription a catch-up from the
 * users service, retried with backoff until it answers (it may be this very process, not listening yet).
 */
export function followRevocations(options: { urls: string[]; secret: string; exchange: string; logger: Logger }): RevocationFeed {
  const { logger } = options;
  const revoked = new RevokedSessions();
  let stopped = false;
  let catchUp: NodeJS.Timeout | undefined;
  let markLoaded: () => void = () => undefined;
  const firstLoad = new Promise<void>((resolve) => (markLoaded = resolve));
  const prune = setInterval(() => revoked.prune(), 60_000);
  prune.unref();

  // Bumped whenever the subscription is lost: a catch-up that began before makes the set current no more.
  let generation = 0;
  const sync = (attempt = 1): void => {
    clearTimeout(catchUp);
    if (stopped) return;
    const began = generation;
    fetchRevocations({ urls: options.urls, secret: options.secret, revoked }).then(
      (count) => {
        logger.info({ count }, 'revoked sessions loaded from the users service');
        if (generation === began) revoked.current = true;
        markLoaded();
      },
      (err: unknown) => {
        if (stopped) return;
        if (attempt === 1) logger.warn({ err: (err as Error).message }, 'revoked sessions not loaded yet; retrying');
        catchUp = setTimeout(() => sync(attempt + 1), Math.min(5_000, 250 * 2 ** attempt));
        catchUp.unref();
      },
    );
  };

  return {
    revoked,
    onConnect: subscribeRevocations({
      exchange: options.exchange,
      revoked,
      logger,
      onSubscribed: () => sync(),
      onLost: () => {
        generation++;
        revoked.current = false;
      },
    }),
    loaded: (timeoutMs) =>
      Promise.race([firstLoad.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]),
    stop() {
      stopped = true;
      clearTimeout(catchUp);
      clearInterval(prune);
    },
  };
}
