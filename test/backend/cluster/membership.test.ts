/** The membership rules fed events directly (no sockets, no timers), and against a naive model on random event sequences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Membership, type MembershipEvent } from '../../../src/backend/cluster/membership.js';

const opts = { heartbeatMs: 1000, maxMissedHeartbeats: 3 };

test('a worker silent for more than maxMissedHeartbeats periods is lost once, with the silence in the reason', () => {
  const m = new Membership(opts);
  assert.deepEqual(m.handle({ type: 'joined', worker: 'a', now: 0 }), []);
  assert.deepEqual(m.handle({ type: 'joined', worker: 'b', now: 0 }), []);
  assert.deepEqual(m.handle({ type: 'heartbeat', worker: 'a', now: 2500 }), []);
  assert.deepEqual(m.handle({ type: 'tick', now: 3000 }), [], 'exactly at the limit is not yet lost');
  const lost = m.handle({ type: 'tick', now: 3001 });
  assert.equal(lost.length, 1);
  assert.equal(lost[0]!.worker, 'b');
  assert.match(lost[0]!.reason, /no heartbeat for 3001 ms \(3 missed\)/);
  assert.deepEqual(m.handle({ type: 'tick', now: 3002 }), [], 'reported once');
  assert.deepEqual(m.handle({ type: 'heartbeat', worker: 'b', now: 3003 }), [], 'a late heartbeat does not bring it back');
  assert.deepEqual(m.live(), ['a']);
  assert.deepEqual(m.handle({ type: 'tick', now: 5501 }), [{ type: 'lost', worker: 'a', reason: 'no heartbeat for 3001 ms (3 missed)' }]);
});

test('a closed connection loses its worker at once; closing again or after a timeout says nothing more', () => {
  const m = new Membership(opts);
  m.handle({ type: 'joined', worker: 'a', now: 0 });
  assert.deepEqual(m.handle({ type: 'closed', worker: 'a', reason: 'socket closed' }), [{ type: 'lost', worker: 'a', reason: 'socket closed' }]);
  assert.deepEqual(m.handle({ type: 'closed', worker: 'a', reason: 'again' }), []);
  assert.deepEqual(m.handle({ type: 'tick', now: 99999 }), []);
  assert.deepEqual(m.handle({ type: 'closed', worker: 'never-joined', reason: 'x' }), []);
});

test('an id that joins twice (live or lost before) is refused', () => {
  const m = new Membership(opts);
  m.handle({ type: 'joined', worker: 'a', now: 0 });
  assert.equal(m.handle({ type: 'joined', worker: 'a', now: 1 })[0]?.type, 'refuse');
  assert.deepEqual(m.live(), ['a'], 'the first holder of the id stays');
  const m2 = new Membership(opts);
  m2.handle({ type: 'joined', worker: 'b', now: 0 });
  m2.handle({ type: 'closed', worker: 'b', reason: 'gone' });
  assert.match(m2.handle({ type: 'joined', worker: 'b', now: 5 })[0]!.reason, /joined twice/);
});

test('options are checked', () => {
  assert.throws(() => new Membership({ heartbeatMs: 0, maxMissedHeartbeats: 3 }), RangeError);
  assert.throws(() => new Membership({ heartbeatMs: 1000, maxMissedHeartbeats: 0 }), RangeError);
});

test('random event sequences: lost exactly when the naive model says, never twice', () => {
  const worker = fc.constantFrom('w1', 'w2', 'w3');
  const step = fc.oneof(
    fc.record({ type: fc.constant('joined' as const), worker, dt: fc.nat(1500) }),
    fc.record({ type: fc.constant('heartbeat' as const), worker, dt: fc.nat(1500) }),
    fc.record({ type: fc.constant('closed' as const), worker, dt: fc.constant(0) }),
    fc.record({ type: fc.constant('tick' as const), worker, dt: fc.nat(2500) }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
      const m = new Membership(opts);
      const seen = new Map<string, number>();
      const everJoined = new Set<string>();
      const lostOnce = new Set<string>();
      let now = 0;
      for (const s of steps) {
        now += s.dt;
        const e: MembershipEvent = s.type === 'tick' ? { type: 'tick', now } : s.type === 'closed' ? { type: 'closed', worker: s.worker, reason: 'r' } : { type: s.type, worker: s.worker, now };
        const out = m.handle(e);
        const got = out.filter((i) => i.type === 'lost').map((i) => i.worker).sort();
        const refused = out.filter((i) => i.type === 'refuse').map((i) => i.worker);
        let want: string[] = [];
        if (s.type === 'joined') {
          assert.deepEqual(refused, everJoined.has(s.worker) ? [s.worker] : []);
          if (!everJoined.has(s.worker)) seen.set(s.worker, now);
          everJoined.add(s.worker);
        } else if (s.type === 'heartbeat') {
          if (seen.has(s.worker)) seen.set(s.worker, now);
        } else if (s.type === 'closed') {
          if (seen.delete(s.worker)) want = [s.worker];
        } else {
          want = [...seen].filter(([, t]) => now - t > 3000).map(([w]) => w).sort();
          for (const w of want) seen.delete(w);
        }
        assert.deepEqual(got, want);
        for (const w of got) {
          assert.ok(!lostOnce.has(w), `${w} lost twice`);
          lostOnce.add(w);
        }
        assert.deepEqual(m.live().sort(), [...seen.keys()].sort());
      }
    }),
    { numRuns: 300 },
  );
});
