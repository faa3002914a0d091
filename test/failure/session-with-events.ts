import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { importModule, Session, type SessionOptions, type SluiceEvent } from '../../src/index.js';

/**
 * Inside a describe(): a session started before its tests and stopped after them, every event
 * it emits, and a temp directory for marker files (removed after).
 */
export function sessionWithEvents(opts: SessionOptions): { session: () => Session; events: SluiceEvent[]; tmp: string } {
  let s: Session | undefined;
  const events: SluiceEvent[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-failure-'));
  before(async () => {
    s = await Session.local(opts);
    s.on((e) => void events.push(e));
  });
  after(async () => {
    await s?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  return { session: () => s!, events, tmp };
}

/** The env of {@link killOnce}: the marker file whose creation only one task wins. */
export const killOnceEnv = (tmp: string) => ({ fs: importModule('node:fs') as unknown as typeof import('node:fs'), marker: join(tmp, 'killed') });

/** A map function whose first call (in any task, any worker) kills its own worker process with SIGKILL; every other call passes its record on. */
export const killOnce = <T>(x: T, env: ReturnType<typeof killOnceEnv>): T => {
  try {
    env.fs.closeSync(env.fs.openSync(env.marker, 'wx'));
    process.kill(process.pid, 'SIGKILL');
  } catch {
    /* not the first */
  }
  return x;
};
