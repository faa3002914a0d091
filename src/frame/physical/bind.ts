import { DeterministicError } from '../../util/errors.js';
import type { ExprNode } from '../expr/expr-node.js';
import { mapExprDown } from '../logical/expr-utils.js';
import type { Field, Schema } from '../types.js';

/** An output column during physical planning: its field and the table qualifier it can be referenced by. */
export interface QField extends Field {
  qualifier?: string;
}

export function toSchema(fields: QField[]): Schema {
  return { fields: fields.map(({ name, type, nullable }) => ({ name, type, nullable })) };
}

/** Index of the column `name` (qualified or not) among `fields`; -1 when absent. */
export function findField(fields: QField[], name: string, qualifier?: string): number {
  let found = -1;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name !== name || (qualifier !== undefined && f.qualifier !== qualifier)) continue;
    if (found >= 0 && qualifier === undefined) return found; // ambiguity was rejected by the analyzer: first wins
    found = i;
  }
  return found;
}

/** A copy of `e` whose column references carry their index in `fields` (what workers evaluate by). */
export function bindExpr(e: ExprNode, fields: QField[]): ExprNode {
  return mapExprDown(e, (x) => {
    if (x.kind !== 'column') return undefined;
    if (x.index !== undefined) return x; // bound already (planner-made references)
    let i = findField(fields, x.name, x.qualifier);
    if (i < 0 && x.qualifier !== undefined) i = findField(fields, x.name);
    if (i < 0) throw new DeterministicError(`internal: column ${x.qualifier ? x.qualifier + '.' : ''}${x.name} is not among [${fields.map((f) => (f.qualifier ? f.qualifier + '.' : '') + f.name).join(', ')}]`);
    return { ...x, index: i };
  });
}

/** A column reference bound to position i. */
export function columnAt(fields: QField[], i: number): ExprNode {
  const f = fields[i]!;
  return { kind: 'column', name: f.name, qualifier: f.qualifier, index: i };
}
