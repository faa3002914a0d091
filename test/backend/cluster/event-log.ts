import type { BackendEvent } from '../../../src/backend/backend.js';

/** Collects a backend's events; `next` waits for the first not yet taken that matches. */
export class EventLog {
  readonly all: BackendEvent[] = [];
  private taken = new Set<BackendEvent>();
  private waiters: Array<() => void> = [];

  readonly emit = (e: BackendEvent): void => {
    this.all.push(e);
    for (const w of this.waiters.splice(0)) w();
  };

  async next<T extends BackendEvent['type']>(type: T, match: (e: Extract<BackendEvent, { type: T }>) => boolean = () => true, timeoutMs = 20_000): Promise<Extract<BackendEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.all.find((x): x is Extract<BackendEvent, { type: T }> => !this.taken.has(x) && x.type === type && match(x as Extract<BackendEvent, { type: T }>));
      if (e) {
        this.taken.add(e);
        return e;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} event within ${timeoutMs} ms; events: ${JSON.stringify(this.all.map((x) => x.type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** A payload the fake runner understands (plain data; the pipeline is a one-node stand-in). */
export function fakePayload(taskId: number, fake: Record<string, unknown>, partition = 0): never {
  return { taskId, jobId: 1, stageId: 1, partition, attempt: 0, node: { id: 1, op: 'fake', deps: [], compute: { kind: 'fake' } }, output: { kind: 'result', action: { kind: 'collect' } }, shuffleInputs: {}, cachedBlocks: {}, broadcasts: {}, spillDir: '/nonexistent', fake } as never;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
