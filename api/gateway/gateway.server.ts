// The gateway process: the app on its port plus the loop that brings failed instances back.
import type { Config } from '../../common/config.ts';
import { listen } from '../../common/http/listen.ts';
import type { Logger } from '../../common/logger.ts';
import { createGateway } from './gateway.app.ts';

export async function startGateway(config: Config, logger: Logger) {
  const gateway = createGateway({ config, logger });
  const server = await listen(gateway.app, config.gateway.port, config.host);
  const timer = setInterval(() => void gateway.checkInstances(), config.gateway.healthIntervalMs);
  logger.info({ port: server.port }, 'gateway listening');
  return {
    port: server.port,
    async stop() {
      clearInterval(timer);
      await server.close();
    },
  };
}
