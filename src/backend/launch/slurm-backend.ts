import { mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskPayload } from '../../exec/task.js';
import type { BlockStore } from '../../exec/worker-services.js';
import type { WireNode } from '../../plan/stages.js';
import type { WorkerId } from '../../scheduler/events.js';
import { SluiceError } from '../../util/errors.js';
import type { Backend, BackendEvent } from '../backend.js';
import { ClusterBackend } from '../cluster/cluster-backend.js';
import { readSlurmAllocation, scontrolHostnames, type HostlistExpander, type SlurmAllocation } from './slurm-allocation.js';
import { slurmWorkers, startSlurmWorkers } from './slurm.js';
import { writeSecretFile } from './secret-file.js';

export interface SlurmBackendOptions {
  /** Modules every worker imports before its first task. */
  preload?: string[];
  /** Slurm's environment (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  expand?: HostlistExpander;
  /** Directory for the job's secret: every node must see it (a shared file system). Default: `.sluice/jobs` in the working directory. */
  secretDir?: string;
  /** How long to wait for a worker on every node. Default 5 minutes (srun may queue behind other steps). */
  joinTimeoutMs?: number;
  /** Each worker's memory budget in bytes (default: 70% of the allocation's memory per node). */
  memory?: number;
  /** The allocation, when the caller has read it already. */
  allocation?: SlurmAllocation;
}

/**
 * `master: 'slurm'` inside an allocation (salloc, or an sbatch script): the driver listens on this
 * host (every interface, a free port), writes a fresh secret (0600) where every node sees it, and
 * starts one `sluice worker` per allocated node with a single `srun` step, each with the node's
 * cores. Workers are then an ordinary cluster (ClusterBackend); a worker that dies is lost with its
 * blocks and not replaced (Slurm does not restart a step's tasks). stop() ends the step.
 */
export class SlurmBackend implements Backend {
  name = 'slurm';
  private cluster?: ClusterBackend;
  private srun?: ReturnType<typeof startSlurmWorkers>;
  private secretDir?: string;
  private stopped = false;
  allocation?: SlurmAllocation;

  constructor(private readonly opts: SlurmBackendOptions = {}) {}

  async start(emit: (e: BackendEvent) => void, driverStore: BlockStore): Promise<void> {
    const env = this.opts.env ?? process.env;
    const a = this.opts.allocation ?? readSlurmAllocation(env, this.opts.expand ?? scontrolHostnames);
    this.allocation = a;
    this.name = `slurm[${a.jobId}: ${a.nodes.length} node(s)]`;
    this.secretDir = join(this.opts.secretDir ?? join(process.cwd(), '.sluice', 'jobs'), `${a.jobId}-${process.pid}`);
    mkdirSync(this.secretDir, { recursive: true, mode: 0o700 });
    const secretFile = join(this.secretDir, 'secret');
    const secret = writeSecretFile(secretFile);
    // Workers are other hosts: the driver listens beyond loopback, admitting only holders of the secret.
    this.cluster = new ClusterBackend({ listen: { host: '0.0.0.0', port: 0 }, secret, preload: this.opts.preload, name: this.name });
    // Called with the driver's store as Backend.start is; the cluster backend may not take it yet.
    await (this.cluster.start as (emit: (e: BackendEvent) => void, store: BlockStore) => Promise<void>).call(this.cluster, emit, driverStore);
    const plan = slurmWorkers({
      allocation: a,
      driver: `${hostname()}:${this.cluster.address().port}`,
      secretFile,
      node: process.execPath,
      cli: fileURLToPath(new URL('../../cli/main.js', import.meta.url)),
      dir: join(env.TMPDIR ?? '/tmp', `sluice-${a.jobId}`),
      ...(this.opts.memory !== undefined ? { memory: this.opts.memory } : {}),
    });
    this.srun = startSlurmWorkers(plan, env);
    const failed = this.srun.exited.then((code) => {
      throw new SluiceError(`master 'slurm': srun ${plan.args.slice(0, 5).join(' ')} ... ended (exit code ${code}) before ${a.nodes.length} worker(s) joined; see its messages above`);
    });
    try {
      await Promise.race([this.joined(a.nodes.length, this.opts.joinTimeoutMs ?? 300_000), failed]);
    } catch (e) {
      await this.stop();
      throw e;
    }
    failed.catch(() => {}); // srun ending later is the workers' loss, which the cluster reports
  }

  /** Polls rather than ClusterBackend.waitForWorkers, whose timer would keep the process alive after a failed start. */
  private joined(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const have = this.cluster?.workers().length ?? 0;
        if (have >= n) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() > deadline || this.stopped) {
          clearInterval(timer);
          reject(new SluiceError(`master 'slurm': only ${have} of ${n} worker(s) joined within ${Math.round(timeoutMs / 1000)} s`));
        }
      }, 100);
      timer.unref();
    });
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    this.cluster!.launch(worker, payload);
  }

  kill(worker: WorkerId, taskId: number): void {
    this.cluster!.kill(worker, taskId);
  }

  free(worker: WorkerId, blockIds: readonly string[]): void {
    this.cluster!.free(worker, blockIds);
  }

  releaseStages(nodes: readonly WireNode[]): void {
    this.cluster!.releaseStages(nodes);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // The driver says stop first, so workers end cleanly; then the step, in case one did not.
    await this.cluster?.stop();
    if (this.srun) {
      // Workers told to stop end by themselves, and the step with them; srun is signalled only if not.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.srun.exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await this.srun.stop();
    }
    if (this.secretDir) rmSync(this.secretDir, { recursive: true, force: true });
  }
}
