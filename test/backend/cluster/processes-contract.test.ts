import { ProcessesBackend } from '../../../src/backend/cluster/processes-backend.js';
import { backendContract } from '../backend-contract.js';

const register = new URL('../../../src/io/register.js', import.meta.url).href;

// Real tasks (the engine's runTask) on two worker processes. `crash: false`: a task that calls
// process.exit ends only its task thread here (TaskFailed, the worker and its blocks stay), not the
// worker as the contract's crash case expects; processes-backend.test.ts covers that and kill -9.
backendContract('processes[2]', () => new ProcessesBackend({ workers: 2, memoryPerWorker: 64 << 20, preload: [register] }), { crash: false, slowMs: 60_000, killAfterMs: 300 });
