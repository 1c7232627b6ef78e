// A watchlist prepare worker that dies on its first request (as one killed or out of memory would).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => process.exit(3));
