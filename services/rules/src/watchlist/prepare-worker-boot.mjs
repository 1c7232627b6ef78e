// Worker threads do not inherit the main thread's TypeScript loader (`node --import tsx`): register it, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
