import type { ColumnVector } from '../batch/vector.js';
import { typeName } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { commonTypeOf } from './coercion.js';
import { computed, constant, foldIfConstant, withCast, type Compiled } from './compiled.js';
import { chooseRows, validAt } from './vector-utils.js';

/**
 * CASE WHEN c1 THEN v1 ... ELSE e END: each row takes the value of the first
 * branch whose condition is true (null counts as false), else the ELSE value
 * (null when there is none). A branch's value is evaluated only when some row
 * of the batch takes it.
 */
export function compileCase(branches: readonly { when: Compiled; then: Compiled }[], otherwise: Compiled | undefined): Compiled {
  const results = branches.map((b) => b.then.type);
  if (otherwise) results.push(otherwise.type);
  const type = commonTypeOf(results);
  if (type === null) throw new DeterministicError(`CASE branches have no common type: ${results.map(typeName).join(', ')}`);
  for (const b of branches) {
    if (b.when.type !== 'bool' && b.when.type !== 'null') throw new DeterministicError(`CASE WHEN condition must be boolean, got ${typeName(b.when.type)}`);
  }
  const whens = branches.map((b) => b.when);
  const values = branches.map((b) => withCast(b.then, type));
  if (otherwise) values.push(withCast(otherwise, type));
  else values.push(constant(type, null));

  const c = computed(type, (batch) => {
    const n = batch.numRows;
    const choice = new Int32Array(n).fill(whens.length);
    const open = new Uint8Array(n).fill(1);
    for (let k = 0; k < whens.length; k++) {
      const cond = whens[k]!.eval(batch);
      if (cond.type === 'null') continue;
      const v = cond.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (open[i] && v[i] === 1 && validAt(cond.validity, i)) {
          choice[i] = k;
          open[i] = 0;
        }
      }
    }
    const used = new Uint8Array(values.length);
    for (let i = 0; i < n; i++) used[choice[i]!] = 1;
    const sources: ColumnVector[] = values.map((v, k) => (used[k] ? v.eval(batch) : NOT_TAKEN));
    return chooseRows(type, n, sources, choice);
  });
  return foldIfConstant([...whens, ...values], c);
}

// Stands for a branch no row of the batch takes (chooseRows never reads it).
const NOT_TAKEN: ColumnVector = { type: 'null', length: 0, validity: null, nullCount: 0 };
