import { defaultName, type ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import { markName } from '../frame/logical/scope.js';

/** An output column of a plan as SQL name resolution sees it. */
export interface OutputColumn {
  name: string;
  qualifier?: string;
}

/**
 * The output columns of an unanalyzed plan, by name only (no types), or
 * undefined when they cannot be known before analysis. SQL translation uses
 * them to tell outer references from local ones in correlated subqueries, to
 * prefer input columns over select aliases in GROUP BY, and for NATURAL joins
 * and INTERSECT/EXCEPT.
 */
export function outputColumns(plan: LogicalPlan): OutputColumn[] | undefined {
  switch (plan.kind) {
    case 'scan':
      return (plan.projection ?? plan.schema.fields.map((f) => f.name)).map((name) => ({ name }));
    case 'project':
      return projectColumns(plan.exprs, outputColumns(plan.input));
    case 'aggregate':
      return [...plan.groupBy, ...plan.aggs].map((e) => exprColumn(e));
    case 'join':
      return joinColumns(plan);
    case 'union':
      return plan.inputs.length > 0 ? outputColumns(plan.inputs[0]!) : undefined;
    case 'subqueryAlias': {
      const cols = outputColumns(plan.input);
      return cols?.map((c) => ({ name: c.name, qualifier: plan.alias }));
    }
    default:
      return outputColumns(plan.input);
  }
}

function projectColumns(exprs: ExprNode[], input: OutputColumn[] | undefined): OutputColumn[] | undefined {
  const out: OutputColumn[] = [];
  for (const e of exprs) {
    if (e.kind === 'star') {
      if (!input) return undefined;
      out.push(...input.filter((c) => e.qualifier === undefined || c.qualifier === e.qualifier));
    } else {
      out.push(exprColumn(e, input));
    }
  }
  return out;
}

/** A plain column keeps its input's qualifier; anything else is named by its alias or default name. */
function exprColumn(e: ExprNode, input?: OutputColumn[]): OutputColumn {
  if (e.kind !== 'column') return { name: defaultName(e) };
  const qualifier = e.qualifier ?? input?.find((c) => c.name === e.name)?.qualifier;
  return qualifier === undefined ? { name: e.name } : { name: e.name, qualifier };
}

function joinColumns(plan: Extract<LogicalPlan, { kind: 'join' }>): OutputColumn[] | undefined {
  const left = outputColumns(plan.left);
  if (plan.type === 'semi' || plan.type === 'anti') return left;
  if (plan.type === 'mark') return left && [...left, { name: markName(plan) }];
  const right = outputColumns(plan.right);
  if (!left || !right) return undefined;
  const using = new Set(plan.using ?? []);
  return [...left, ...right.filter((c) => !using.has(c.name))];
}
