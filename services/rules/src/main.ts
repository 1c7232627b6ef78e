import { createLogger } from '../../../lib/logger';
import { createShutdown } from '../../../lib/shutdown';
import { buildRules } from './app';
import { loadRulesConfig } from './config';

const config = loadRulesConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'rules' });
const rules = buildRules(config, { logger });
const shutdown = createShutdown(logger);
shutdown.add('stop rules', () => rules.stop());
shutdown.trapSignals();

await rules.start();
await rules.app.listen({ host: config.HOST, port: config.RULES_PORT });
logger.info({ port: config.RULES_PORT }, 'rules listening');
