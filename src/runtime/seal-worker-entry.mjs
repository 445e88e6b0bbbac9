// Entry of the seal thread: Elo runs TypeScript through tsx, whose loader a worker thread does
// not inherit from bin/elo.js's register(); register it here, then load.
import { register } from 'tsx/esm/api';

register();
await import('./seal-worker.ts');
