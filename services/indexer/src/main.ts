import { createLogger } from '../../../lib/logger';
import { createShutdown } from '../../../lib/shutdown';
import { buildIndexer } from './app';
import { loadIndexerConfig } from './config';

const config = loadIndexerConfig(process.env);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'indexer' });
const indexer = buildIndexer(config, { logger });
const shutdown = createShutdown(logger);
shutdown.add('stop indexer', () => indexer.stop());
shutdown.trapSignals();

// Listen first so /healthz answers (and /readyz says "not yet") while the consumer joins its group.
await indexer.app.listen({ host: config.HOST, port: config.INDEXER_PORT });
logger.info({ port: config.INDEXER_PORT }, 'indexer listening');
await indexer.start();
logger.info('indexer consuming');
