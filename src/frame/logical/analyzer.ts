import { defaultName, type ExprNode } from '../expr/expr-node.js';
import { sameType, typeName, type Field } from '../types.js';
import { checkAggCall, findAggregateBelow, rejectAggs, rewriteOverAggregate } from './aggregates.js';
import { AnalysisError } from './analysis-error.js';
import { coerceExpr, exprType, tryCommonType, type TypeContext } from './coerce.js';
import { alias, hasAgg } from './expr-utils.js';
import { children, withChildren, type LogicalPlan } from './plan.js';
import { printExpr } from './print.js';
import { checkNames, expandStars, resolveExpr, type ResolveContext } from './resolve.js';
import { outputSchema } from './schema.js';
import { columnAt, joinConditionScope, planScope, type ScopeField } from './scope.js';

export { AnalysisError } from './analysis-error.js';

/** Columns of the enclosing queries, visible to (correlated) subqueries. */
interface Outer {
  scope: ScopeField[];
  fields: Field[];
}

type Node<K extends LogicalPlan['kind']> = Extract<LogicalPlan, { kind: K }>;

/**
 * Resolves and checks a plan built by the DataFrame API or SQL: every column
 * exists (else an AnalysisError naming it, the closest name, and the columns
 * there are) and is unambiguous; `*` is expanded; casts make operands agree;
 * aggregates appear only where they can be computed. Column nodes keep their
 * names and get a qualifier only where the bare name would be ambiguous (see
 * resolve.ts); indexes are bound later by the physical planner. Output names
 * of projections and aggregates never change (an alias keeps the original name).
 */
export function analyze(plan: LogicalPlan): LogicalPlan {
  return analyzePlan(plan, { scope: [], fields: [] });
}

function analyzePlan(plan: LogicalPlan, outer: Outer): LogicalPlan {
  const kids = children(plan).map((k) => analyzePlan(k, outer));
  return analyzeNode(kids.length === 0 ? plan : withChildren(plan, kids), outer);
}

/** Resolution and typing of expressions evaluated over the rows of `input`. */
class ExprAnalyzer {
  readonly resolve: ResolveContext;
  readonly types: TypeContext;
  constructor(scope: ScopeField[], fields: Field[], outer: Outer) {
    const inner: Outer = { scope: [...scope, ...outer.scope], fields: [...fields, ...outer.fields] };
    this.resolve = { scope, outer: outer.scope, analyzeSubquery: (p) => analyzePlan(p, inner) };
    this.types = { schema: { fields }, scope, outerScope: outer.scope, outerFields: outer.fields };
  }
  static over(input: LogicalPlan, outer: Outer): ExprAnalyzer {
    return new ExprAnalyzer(planScope(input), outputSchema(input).fields, outer);
  }
  expr(e: ExprNode): ExprNode {
    return coerceExpr(resolveExpr(e, this.resolve), this.types);
  }
  /** Analyzes an output expression, keeping the name it had before casts were inserted. */
  named(e: ExprNode): ExprNode {
    const out = this.expr(e);
    return defaultName(out) === defaultName(e) ? out : alias(out, defaultName(e));
  }
  predicate(e: ExprNode, where: string): ExprNode {
    const out = this.expr(e);
    const t = exprType(out, this.types);
    if (t !== 'bool' && t !== 'null') throw new AnalysisError('type', `${where} must be bool, but ${printExpr(e)} is ${typeName(t)}`, { name: printExpr(e) });
    return out;
  }
}

function analyzeNode(p: LogicalPlan, outer: Outer): LogicalPlan {
  switch (p.kind) {
    case 'scan': {
      if (p.filters.length === 0) return p;
      const ex = ExprAnalyzer.over(p, outer);
      return { ...p, filters: p.filters.map((f) => ex.predicate(f, 'a scan filter')) };
    }
    case 'project':
      return analyzeProject(p, outer);
    case 'filter': {
      const over = overAggregate(p.input, [p.predicate], outer);
      if (over) return { ...p, input: over.input, predicate: over.analyzer.predicate(over.exprs[0]!, 'HAVING') };
      rejectAggs(p.predicate, 'WHERE');
      return { ...p, predicate: ExprAnalyzer.over(p.input, outer).predicate(p.predicate, 'a filter condition') };
    }
    case 'aggregate': {
      p.groupBy.forEach((g) => rejectAggs(g, 'GROUP BY'));
      p.aggs.forEach(checkAggCall);
      const ex = ExprAnalyzer.over(p.input, outer);
      return { ...p, groupBy: p.groupBy.map((g) => ex.named(g)), aggs: p.aggs.map((a) => ex.named(a)) };
    }
    case 'join':
      return analyzeJoin(p, outer);
    case 'sort': {
      const over = overAggregate(p.input, p.keys.map((k) => k.expr), outer);
      if (over) return { ...p, input: over.input, keys: p.keys.map((k, i) => ({ ...k, expr: over.analyzer.expr(over.exprs[i]!) })) };
      p.keys.forEach((k) => rejectAggs(k.expr, 'ORDER BY without GROUP BY'));
      const ex = ExprAnalyzer.over(p.input, outer);
      return { ...p, keys: p.keys.map((k) => ({ ...k, expr: ex.expr(k.expr) })) };
    }
    case 'repartition': {
      p.keys.forEach((k) => rejectAggs(k, 'repartition keys'));
      const ex = ExprAnalyzer.over(p.input, outer);
      return { ...p, keys: p.keys.map((k) => ex.expr(k)) };
    }
    case 'dropDuplicates':
      checkNames(p.keys, planScope(p.input), 'dropDuplicates');
      return p;
    case 'union':
      return analyzeUnion(p);
    default:
      return p;
  }
}

function analyzeProject(p: Node<'project'>, outer: Outer): LogicalPlan {
  const exprs = expandStars(p.exprs, planScope(p.input));
  const over = overAggregate(p.input, exprs, outer, exprs.some(hasAgg));
  if (over) return { ...p, input: over.input, exprs: over.exprs.map((e, i) => keepName(over.analyzer.named(e), exprs[i]!)) };
  const ex = ExprAnalyzer.over(p.input, outer);
  return { ...p, exprs: exprs.map((e) => ex.named(e)) };
}

function keepName(out: ExprNode, original: ExprNode): ExprNode {
  return defaultName(out) === defaultName(original) ? out : alias(out, defaultName(original));
}

/**
 * When `input` is an aggregate (possibly under HAVING/ORDER BY), or when `force`
 * asks for one (a projection with aggregates and no GROUP BY: a global aggregate
 * is inserted), rewrites `exprs` in terms of the aggregate's outputs, appending
 * aggregate calls it does not compute yet.
 */
function overAggregate(input: LogicalPlan, exprs: ExprNode[], outer: Outer, force = false) {
  const below = findAggregateBelow(input) ?? (force ? { agg: { kind: 'aggregate', input, groupBy: [], aggs: [] } as Node<'aggregate'>, rebuild: (a: LogicalPlan) => a } : undefined);
  if (!below) return undefined;
  const inner = ExprAnalyzer.over(below.agg.input, outer);
  const tryInInput = (x: ExprNode): ExprNode | undefined => {
    try {
      return inner.expr(x);
    } catch (e) {
      if (e instanceof AnalysisError) return undefined;
      throw e;
    }
  };
  const added: ExprNode[] = [];
  const rewritten = exprs.map((e) => rewriteOverAggregate(e, below.agg, tryInInput, added));
  const newInput = added.length === 0 ? input : below.rebuild({ ...below.agg, aggs: [...below.agg.aggs, ...added] });
  return { input: newInput, exprs: rewritten, analyzer: ExprAnalyzer.over(newInput, outer) };
}

function analyzeJoin(p: Node<'join'>, outer: Outer): LogicalPlan {
  if (p.using) {
    checkNames(p.using, planScope(p.left), 'USING (left side)');
    checkNames(p.using, planScope(p.right), 'USING (right side)');
  }
  if (!p.on) return p;
  rejectAggs(p.on, 'a join condition');
  const fields = [...outputSchema(p.left).fields, ...outputSchema(p.right).fields];
  const ex = new ExprAnalyzer(joinConditionScope(p), fields, outer);
  return { ...p, on: ex.predicate(p.on, 'a join condition') };
}

/** Checks that union inputs have as many columns, and casts columns to their common type. */
function analyzeUnion(p: Node<'union'>): LogicalPlan {
  const schemas = p.inputs.map(outputSchema);
  const width = schemas[0]!.fields.length;
  const bad = schemas.findIndex((s) => s.fields.length !== width);
  if (bad >= 0) throw new AnalysisError('type', `UNION inputs have different numbers of columns: ${width} and ${schemas[bad]!.fields.length} (input ${bad + 1})`);
  const targets = schemas[0]!.fields.map((f, i) =>
    schemas.reduce((t, s) => {
      const next = tryCommonType(t, s.fields[i]!.type);
      if (next === undefined) throw new AnalysisError('type', `UNION column ${i + 1} ("${f.name}") mixes ${typeName(t)} and ${typeName(s.fields[i]!.type)}`, { name: f.name });
      return next;
    }, f.type),
  );
  const inputs = p.inputs.map((input, k) => {
    const fields = schemas[k]!.fields;
    if (fields.every((f, i) => sameType(f.type, targets[i]!))) return input;
    const scope = planScope(input);
    const exprs = fields.map((f, i): ExprNode => {
      const col = columnAt(scope, i);
      return sameType(f.type, targets[i]!) ? col : alias({ kind: 'cast', arg: col, to: targets[i]! }, f.name);
    });
    return { kind: 'project', input, exprs } as LogicalPlan;
  });
  return { ...p, inputs };
}
