import { createLogger } from '../../../lib/logger';
import { createShutdown } from '../../../lib/shutdown';
import { buildGateway } from './app';
import { loadGatewayConfig } from './config';

const config = loadGatewayConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'gateway' });
const gateway = buildGateway(config, { logger });
const shutdown = createShutdown(logger);
shutdown.add('stop gateway', () => gateway.stop());
shutdown.trapSignals();

await gateway.start();
await gateway.app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
logger.info({ port: config.GATEWAY_PORT }, 'gateway listening');
