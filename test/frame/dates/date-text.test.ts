import { test } from 'node:test';
import assert from 'node:assert/strict';
import { civil, civilDays, MS_PER_DAY } from '../../../src/frame/dates/calendar.js';
import { isoDate, isoTimestamp, parseIsoDate, parseIsoTimestamp } from '../../../src/frame/dates/date-text.js';
import { Rng } from '../oracle/random.js';

/** The one calendar module agrees with JS Date (a naive reference) on generated dates, and text readers use it. */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

test('civilDays and civil agree with Date.UTC over generated dates, 1000..9999', () => {
  const rng = new Rng(7);
  for (let k = 0; k < 5000; k++) {
    const y = 1000 + rng.below(9000);
    const m = 1 + rng.below(12);
    const d = 1 + rng.below(31);
    const ref = Date.UTC(y, m - 1, d);
    const back = new Date(ref);
    const exists = back.getUTCDate() === d;
    const days = civilDays(y, m, d);
    assert.equal(days, exists ? ref / MS_PER_DAY : null, `${y}-${m}-${d}`);
    if (days !== null) assert.deepEqual([...civil(days)], [y, m, d]);
  }
});

test('ISO text readers: impossible days are rejected, also inside timestamps (2023-02-30T00:00 used to roll over to March 2)', () => {
  assert.equal(parseIsoDate('2023-02-30'), null);
  assert.equal(parseIsoTimestamp('2023-02-30T00:00:00'), null);
  assert.equal(parseIsoTimestamp('2024-02-29T23:59:60Z'), Date.UTC(2024, 2, 1));
  assert.equal(parseIsoTimestamp('2024-01-02T03:04:05.5+01:00'), Date.UTC(2024, 0, 2, 2, 4, 5, 500));
  assert.equal(parseIsoDate(' 2024-01-02 '), Date.UTC(2024, 0, 2) / MS_PER_DAY);
  assert.equal(parseIsoDate('2024-1-02'), null);
});

test('ISO text round-trips through the printers over generated timestamps', () => {
  const rng = new Rng(11);
  for (let k = 0; k < 2000; k++) {
    const ms = Math.floor((rng.float() - 0.5) * 2 * 8e12);
    const text = isoTimestamp(ms);
    assert.equal(text, new Date(ms).toISOString());
    assert.equal(parseIsoTimestamp(text), ms);
    const days = Math.floor(ms / MS_PER_DAY);
    const d = civil(days);
    assert.equal(isoDate(days), `${pad(d[0]!, 4)}-${pad(d[1]!)}-${pad(d[2]!)}`);
  }
});
