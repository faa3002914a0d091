import { InlineBackend } from '../../src/backend/inline-backend.js';
import { ThreadsBackend } from '../../src/backend/threads-backend.js';
import { backendContract } from './backend-contract.js';

const register = new URL('../../src/io/register.js', import.meta.url).href;

// Inline runs tasks on the test's own thread: a task cannot be interrupted (a kill is reported when it
// ends, so it is kept short) and one that exits would end the test process.
backendContract('inline', () => new InlineBackend({ memoryPerWorker: 64 << 20 }), { crash: false, slowMs: 300, killAfterMs: 0 });
backendContract('local[2]', () => new ThreadsBackend({ workers: 2, memoryPerWorker: 64 << 20, preload: [register] }), { crash: true, slowMs: 60_000, killAfterMs: 100 });
