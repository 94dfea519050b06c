// The gateway process: the app on its port, the loop that brings failed instances back, and revoked sessions from RabbitMQ.
import type { Config } from '../../common/config.ts';
import { listen } from '../../common/http/listen.ts';
import type { Logger } from '../../common/logger.ts';
import { connectRabbit } from '../../common/messaging/rabbitmq.ts';
import { gatewaySecret } from '../../common/secrets.ts';
import { createGateway } from './gateway.app.ts';
import { RevokedSessions, fetchRevocations, subscribeRevocations } from './revocations.ts';

export async function startGateway(config: Config, logger: Logger) {
  const secret = await gatewaySecret(config);
  const revoked = new RevokedSessions();
  let stopped = false;
  let catchUp: NodeJS.Timeout | undefined;
  let loaded: () => void = () => undefined;
  const firstLoad = new Promise<void>((resolve) => (loaded = resolve));

  // After each (re)subscription, learn what was revoked while this instance was not listening; retried until it works.
  const syncRevocations = (attempt = 1): void => {
    clearTimeout(catchUp);
    fetchRevocations({ urls: config.services.users.urls, secret, revoked }).then(
      (count) => {
        logger.info({ count }, 'revoked sessions loaded from the users service');
        loaded();
      },
      (err: unknown) => {
        if (stopped) return;
        if (attempt === 1) logger.warn({ err: (err as Error).message }, 'revoked sessions not loaded yet; retrying');
        catchUp = setTimeout(() => syncRevocations(attempt + 1), Math.min(5_000, 250 * 2 ** attempt));
      },
    );
  };
  const rabbit = await connectRabbit({
    url: config.rabbitmq.url,
    exchange: config.rabbitmq.exchange,
    logger,
    onConnect: subscribeRevocations({ exchange: config.rabbitmq.exchange, revoked, logger, onSubscribed: () => syncRevocations() }),
  });

  // A restarted gateway knows the revocations before it takes traffic, unless the users service is down too.
  const waited = await Promise.race([firstLoad.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000).unref())]);
  if (!waited) logger.warn('taking traffic before the revoked sessions are known; they load as soon as the users service answers');
  const gateway = createGateway({ config, logger, gatewaySecret: secret, revoked });
  const server = await listen(gateway.app, config.gateway.port, config.host).catch(async (err: unknown) => {
    stopped = true;
    clearTimeout(catchUp);
    await rabbit.close();
    throw err;
  });
  const timer = setInterval(() => {
    void gateway.checkInstances();
    revoked.prune();
  }, config.gateway.healthIntervalMs);
  logger.info({ port: server.port }, 'gateway listening');
  return {
    port: server.port,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(catchUp);
      await server.close();
      await rabbit.close();
    },
  };
}
