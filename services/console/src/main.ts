import { createLogger } from '../../../lib/logger';
import { createShutdown } from '../../../lib/shutdown';
import { buildConsole } from './app';
import { loadConsoleConfig } from './config';

const config = loadConsoleConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'console' });
const service = buildConsole(config, { logger });
const shutdown = createShutdown(logger);
shutdown.add('stop console', () => service.stop());
shutdown.trapSignals();

await service.start();
await service.app.listen({ host: config.HOST, port: config.CONSOLE_PORT });
logger.info({ port: config.CONSOLE_PORT }, 'console listening');
