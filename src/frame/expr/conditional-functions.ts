import type { ColumnVector } from '../batch/vector.js';
import { typeName, type DataType } from '../types.js';
import { DeterministicError, QueryError } from '../../util/errors.js';
import { commonTypeOf } from './coercion.js';
import type { ScalarFunction } from './function-def.js';
import { chooseRows, validAt, type Raw } from './vector-utils.js';

/** Functions over several values of one common type: coalesce, greatest, least, nullif. */

function common(name: string, types: DataType[]): DataType {
  const t = commonTypeOf(types);
  if (t === null) throw new DeterministicError(`${name}: arguments have no common type: ${types.map(typeName).join(', ')}`);
  return t;
}

/** Row i of the result comes from the first argument that is not null there. */
function coalesceVectors(type: DataType) {
  return (args: ColumnVector[], n: number): ColumnVector => {
    const choice = new Int32Array(n).fill(-1);
    let pending = n;
    for (let k = 0; k < args.length && pending > 0; k++) {
      const a = args[k]!;
      if (a.type === 'null') continue;
      for (let i = 0; i < n; i++) {
        if (choice[i] === -1 && validAt(a.validity, i)) {
          choice[i] = k;
          pending--;
        }
      }
    }
    return chooseRows(type, n, args, choice);
  };
}

const coalesce: ScalarFunction = {
  name: 'coalesce',
  signature: 'coalesce(a, b, ...)',
  minArgs: 1,
  maxArgs: Infinity,
  bind(types) {
    const t = common('coalesce', types);
    return { returnType: t, argTypes: types.map(() => t), nullSafe: true, vector: coalesceVectors(t) };
  },
};

/** greatest/least: nulls are skipped (null only when every argument is null), as in DuckDB. */
function extreme(name: string, better: (a: Raw, b: Raw) => boolean): ScalarFunction {
  return {
    name,
    signature: `${name}(a, b, ...)`,
    minArgs: 1,
    maxArgs: Infinity,
    bind(types) {
      const t = common(name, types);
      const rowN = (args: Raw[]): Raw => {
        let best: Raw = null;
        for (const a of args) if (a !== null && (best === null || better(a, best))) best = a;
        return best;
      };
      return { returnType: t, argTypes: types.map(() => t), nullSafe: true, rowN };
    },
  };
}

const nullif: ScalarFunction = {
  name: 'nullif',
  signature: 'nullif(a, b)',
  minArgs: 2,
  maxArgs: 2,
  introducesNulls: true,
  bind(types) {
    const t = common('nullif', types);
    // Only `a` being null makes the result null; a null `b` never equals.
    const row = (a: Raw, b: Raw): Raw => (a === null || a === b ? null : a);
    return { returnType: t, argTypes: [t, t], nullSafe: true, row };
  },
};

/** The message of DuckDB and Spark for a scalar subquery of several rows. */
export const SUBQUERY_ROWS_MESSAGE = 'more than one row returned by a subquery used as an expression';

/**
 * `single_row_value(rows, value)`: `value`, unless `rows` (the row count of the scalar subquery
 * that gave `value`, null for none) exceeds 1 in some row, which is a QueryError. Made by the
 * subquery rewrites; a column argument keeps it from being folded, and a CASE branch no row takes
 * never evaluates it.
 */
const singleRowValue: ScalarFunction = {
  name: 'single_row_value',
  signature: 'single_row_value(rows, value)',
  minArgs: 2,
  maxArgs: 2,
  bind(types) {
    const t = types[1]!;
    const vector = (args: ColumnVector[], n: number): ColumnVector => {
      const [rows, value] = args as [ColumnVector, ColumnVector];
      if (rows.type !== 'null') {
        for (let i = 0; i < n; i++) if (validAt(rows.validity, i) && rows.values![i]! > 1) throw new QueryError(SUBQUERY_ROWS_MESSAGE);
      }
      return value;
    };
    return { returnType: t, argTypes: ['int64', t], nullSafe: true, vector };
  },
};

/** DuckDB's order: NaN equals NaN and sorts above every number. */
function compare(a: Raw, b: Raw): number {
  if (a! < b!) return -1;
  if (a! > b!) return 1;
  if (a === b) return 0;
  const [na, nb] = [Number.isNaN(a), Number.isNaN(b)];
  return na === nb ? 0 : na ? 1 : -1;
}

export const CONDITIONAL_FUNCTIONS: readonly ScalarFunction[] = [
  coalesce,
  extreme('greatest', (a, b) => compare(a, b) > 0),
  extreme('least', (a, b) => compare(a, b) < 0),
  nullif,
  singleRowValue,
];
