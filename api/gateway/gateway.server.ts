// The gateway process: the app on its port, the loop that brings failed instances back, and revoked sessions from RabbitMQ.
import type { Config } from '../../common/config.ts';
import { listen } from '../../common/http/listen.ts';
import type { Logger } from '../../common/logger.ts';
import { connectRabbit } from '../../common/messaging/rabbitmq.ts';
import { gatewaySecret } from '../../common/secrets.ts';
import { createGateway } from './gateway.app.ts';
import { followRevocations } from '../../common/auth/revocations.ts';

export async function startGateway(config: Config, logger: Logger) {
  const secret = await gatewaySecret(config);
  const feed = followRevocations({
    urls: config.services.users.urls,
    secret,
    exchange: config.rabbitmq.exchange,
    logger,
  });
  const rabbit = await connectRabbit({ url: config.rabbitmq.url, exchange: config.rabbitmq.exchange, logger, onConnect: feed.onConnect });

  // A restarted gateway knows the revocations before it takes traffic, unless the users service is down too.
  if (!(await feed.loaded(5_000))) {
    logger.warn('taking traffic before the revoked sessions are known; they load as soon as the users service answers');
  }
  const revoked = feed.revoked;
  const gateway = createGateway({ config, logger, gatewaySecret: secret, revoked });
  const server = await listen(gateway.app, config.gateway.port, config.host).catch(async (err: unknown) => {
    feed.stop();
    await rabbit.close();
    throw err;
  });
  const timer = setInterval(() => void gateway.checkInstances(), config.gateway.healthIntervalMs);
  logger.info({ port: server.port }, 'gateway listening');
  return {
    port: server.port,
    async stop() {
      feed.stop();
      clearInterval(timer);
      await server.close();
      await rabbit.close();
    },
  };
}
