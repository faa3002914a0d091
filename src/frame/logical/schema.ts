import { defaultName, type ExprNode } from '../expr/expr-node.js';
import { commonType, inferNullable, inferType } from '../expr/infer-type.js';
import type { Field, Schema } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import { mapExpr } from './expr-utils.js';
import type { LogicalPlan } from './plan.js';
import { joinColumnSources, markName, planScope, resolveIndex, type ScopeField } from './scope.js';

/**
 * The output schema of a plan node. Names: the alias, else `defaultName`.
 * Joins: left then right columns (semi/anti: left only; `using` columns once,
 * at the left position); the outer side's columns become nullable.
 * Union: the first input's names, each column's common type.
 */
export function outputSchema(plan: LogicalPlan): Schema {
  switch (plan.kind) {
    case 'scan': {
      if (!plan.projection) return plan.schema;
      const byName = new Map(plan.schema.fields.map((f) => [f.name, f]));
      return { fields: plan.projection.map((n) => byName.get(n) ?? missing(n, plan.source.name)) };
    }
    case 'project':
      return { fields: exprFields(plan.exprs, plan.input) };
    case 'aggregate':
      return { fields: exprFields([...plan.groupBy, ...plan.aggs], plan.input) };
    case 'join':
      return joinSchema(plan);
    case 'union': {
      const schemas = plan.inputs.map(outputSchema);
      const fields = schemas[0]!.fields.map((f, i) => ({
        name: f.name,
        type: schemas.slice(1).reduce((t, s) => commonType(t, s.fields[i]!.type) ?? t, f.type),
        nullable: schemas.some((s) => s.fields[i]!.nullable),
      }));
      return { fields };
    }
    default:
      return outputSchema(plan.input);
  }
}

/** The output field of each expression evaluated over `input`'s rows. */
export function exprFields(exprs: ExprNode[], input: LogicalPlan): Field[] {
  const schema = outputSchema(input);
  const scope = planScope(input);
  return exprs.map((e) => exprField(e, schema, scope));
}

/** The output field of `e` over rows of `schema` (whose qualified names are `scope`). */
export function exprField(e: ExprNode, schema: Schema, scope: ScopeField[]): Field {
  const bound = bindForInference(e, scope);
  return { name: defaultName(e), type: inferType(bound, schema), nullable: inferNullable(bound, schema) };
}

/**
 * Sets `index` on the columns that resolve uniquely in `scope`, so type inference
 * (which resolves by index, else by bare name) sees the right side of a join
 * whose inputs share column names. Only the inference copy is bound.
 */
export function bindForInference(e: ExprNode, scope: ScopeField[]): ExprNode {
  return mapExpr(e, (x) => {
    // A scalar subquery stands in as a NULL of its column's type.
    if (x.kind === 'scalarSubquery') return { kind: 'literal', value: null, type: outputSchema(x.plan).fields[0]!.type };
    if (x.kind !== 'column' || x.index !== undefined) return x;
    const i = resolveIndex(scope, x);
    return i < 0 ? x : { ...x, index: i };
  });
}

function joinSchema(join: Extract<LogicalPlan, { kind: 'join' }>): Schema {
  const left = outputSchema(join.left).fields;
  const right = outputSchema(join.right).fields;
  const leftOuter = join.type === 'right' || join.type === 'full';
  const rightOuter = join.type === 'left' || join.type === 'full';
  const fields = joinColumnSources(join).map((s): Field => {
    if (s.side === 'mark') return { name: markName(join), type: 'bool', nullable: false };
    if (s.side === 'right') {
      const f = right[s.index]!;
      return rightOuter && !f.nullable ? { ...f, nullable: true } : f;
    }
    const f = left[s.index]!;
    if (s.using) {
      const r = right.find((x) => x.name === f.name) ?? f;
      const nullable = join.type === 'full' ? f.nullable || r.nullable : join.type === 'right' ? r.nullable : f.nullable;
      return { name: f.name, type: commonType(f.type, r.type) ?? f.type, nullable };
    }
    return leftOuter && !f.nullable ? { ...f, nullable: true } : f;
  });
  return { fields };
}

function missing(name: string, source: string): never {
  throw new SluiceError(`scan of ${source}: projected column "${name}" is not in its schema`);
}
