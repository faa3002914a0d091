import { after, before, describe } from 'node:test';
import { Session, type SessionOptions } from '../../src/index.js';

/** The masters every conformance suite runs over. */
export const BACKENDS = ['inline', 'local[2]', 'processes[2]'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * Runs `suite` once per backend, inside a `describe` block named after it. The
 * session is created once per backend in before() and stopped in after();
 * `getSession()` is only valid inside tests (and hooks) of the suite.
 *
 * ```ts
 * forEachBackend((name, getSession) => {
 *   test('map', async () => assert.deepEqual(await getSession().range(3).map((x) => x + 1).collect(), [1, 2, 3]));
 * });
 * ```
 */
export function forEachBackend(suite: (name: BackendName, getSession: () => Session) => void, opts: Omit<SessionOptions, 'master'> = {}): void {
  for (const master of BACKENDS) {
    describe(`backend ${master}`, () => {
      let session: Session | undefined;
      before(async () => {
        session = await Session.local({ ...opts, master });
      });
      after(async () => {
        await session?.stop();
        session = undefined;
      });
      suite(master, () => {
        if (!session) throw new Error(`the ${master} session is not started (getSession() called outside a test?)`);
        return session;
      });
    });
  }
}

/**
 * The backends whose workers share the test's process (threads, inline): fault probes that reach
 * into that process (spill-dir files of the driver, in-process fault hooks) run on these only.
 * Worker processes keep their blocks in their own directories; their losses are probed by
 * test/failure/chaos-processes.test.ts and test/backend/cluster/.
 */
export const IN_PROCESS_BACKENDS = BACKENDS.filter((b) => !b.startsWith('processes'));
