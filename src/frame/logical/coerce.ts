import type { ExprNode } from '../expr/expr-node.js';
import { commonType, inferType } from '../expr/infer-type.js';
import { isNumeric, sameType, typeName, type DataType, type Field, type Schema } from '../types.js';
import { AnalysisError } from './analysis-error.js';
import { mapExpr } from './expr-utils.js';
import { printExpr } from './print.js';
import { bindForInference, outputSchema } from './schema.js';
import { resolveIndex, type ScopeField } from './scope.js';

/** What type inference needs at one node: the input's schema and scope, and the enclosing queries' columns. */
export interface TypeContext {
  schema: Schema;
  scope: ScopeField[];
  outerScope: ScopeField[];
  outerFields: Field[];
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
const COMPARISON = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Inserts `cast` nodes so that operands that must agree share one type: both
 * sides of arithmetic and comparisons, CASE results, IN lists, the value and
 * the column of IN (subquery). A string literal compared with a date or
 * timestamp is cast to that type (`d > '2024-01-01'`). Also checks that
 * boolean operators get booleans.
 */
export function coerceExpr(e: ExprNode, ctx: TypeContext): ExprNode {
  const typeOf = (x: ExprNode): DataType => exprType(x, ctx);
  return mapExpr(e, (x) => {
    switch (x.kind) {
      case 'binary': {
        if (x.op === 'and' || x.op === 'or') {
          requireBool(x.left, typeOf, x);
          requireBool(x.right, typeOf, x);
          return x;
        }
        if (x.op === '||') return { ...x, left: castTo(x.left, 'string', typeOf), right: castTo(x.right, 'string', typeOf) };
        if (ARITHMETIC.has(x.op) && !bothNumericish(typeOf(x.left), typeOf(x.right))) return x;
        if (!COMPARISON.has(x.op) && !ARITHMETIC.has(x.op)) return x;
        const [left, right] = unify([x.left, x.right], typeOf, x);
        return { ...x, left: left!, right: right! };
      }
      case 'unary':
        if (x.op === 'not') requireBool(x.arg, typeOf, x);
        return x;
      case 'case': {
        x.branches.forEach((b) => requireBool(b.when, typeOf, x));
        const results = unify([...x.branches.map((b) => b.then), ...(x.otherwise ? [x.otherwise] : [])], typeOf, x);
        const branches = x.branches.map((b, i) => ({ when: b.when, then: results[i]! }));
        return x.otherwise ? { ...x, branches, otherwise: results[branches.length]! } : { ...x, branches };
      }
      case 'in': {
        const [arg, ...list] = unify([x.arg, ...x.list], typeOf, x);
        return { ...x, arg: arg!, list };
      }
      case 'inSubquery':
        return coerceInSubquery(x, typeOf);
      default:
        return x;
    }
  });
}

/** The type of `e` at a node: outer references and subqueries stand in as typed NULLs for inference. */
export function exprType(e: ExprNode, ctx: TypeContext): DataType {
  const typed = mapExpr(e, (x) => {
    switch (x.kind) {
      case 'outer': {
        const i = resolveIndex(ctx.outerScope, x);
        return { kind: 'literal', value: null, type: i < 0 ? 'null' : ctx.outerFields[i]!.type };
      }
      case 'inSubquery':
      case 'exists':
        return { kind: 'literal', value: null, type: 'bool' };
      case 'scalarSubquery':
        return { kind: 'literal', value: null, type: outputSchema(x.plan).fields[0]!.type };
      default:
        return x;
    }
  });
  return inferType(bindForInference(typed, ctx.scope), ctx.schema);
}

/** The common type of two types, or undefined when they have none. */
export function tryCommonType(a: DataType, b: DataType): DataType | undefined {
  return commonType(a, b) ?? undefined;
}

/** Casts every expression of `exprs` to their common type (string literals adopt a temporal type). */
function unify(exprs: ExprNode[], typeOf: (x: ExprNode) => DataType, at: ExprNode): ExprNode[] {
  const types = exprs.map(typeOf);
  if (types.every((t) => sameType(t, types[0]!))) return exprs;
  const temporal = types.find((t) => t === 'date' || t === 'timestamp');
  let target: DataType = 'null';
  types.forEach((t, i) => {
    const effective = temporal && isStringLiteral(exprs[i]!) ? temporal : t;
    const next = tryCommonType(target, effective);
    if (next === undefined) {
      throw new AnalysisError('type', `cannot combine ${typeName(target)} and ${typeName(t)} in ${printExpr(at)}`, { name: printExpr(exprs[i]!) });
    }
    target = next;
  });
  return exprs.map((x, i) => (sameType(types[i]!, target) ? x : { kind: 'cast', arg: x, to: target }));
}

function coerceInSubquery(x: Extract<ExprNode, { kind: 'inSubquery' }>, typeOf: (x: ExprNode) => DataType): ExprNode {
  const argType = typeOf(x.arg);
  const col = outputSchema(x.plan).fields[0]!;
  const target = tryCommonType(argType, col.type);
  if (target === undefined) {
    throw new AnalysisError('type', `cannot compare ${typeName(argType)} with the ${typeName(col.type)} column of the subquery in ${printExpr(x)}`);
  }
  const arg = sameType(argType, target) ? x.arg : ({ kind: 'cast', arg: x.arg, to: target } as ExprNode);
  if (sameType(col.type, target)) return { ...x, arg };
  const cast: ExprNode = { kind: 'alias', arg: { kind: 'cast', arg: { kind: 'column', name: col.name }, to: target }, name: col.name };
  return { ...x, arg, plan: { kind: 'project', input: x.plan, exprs: [cast] } };
}

function castTo(e: ExprNode, to: DataType, typeOf: (x: ExprNode) => DataType): ExprNode {
  const t = typeOf(e);
  return sameType(t, to) || t === 'null' ? e : { kind: 'cast', arg: e, to };
}

function requireBool(e: ExprNode, typeOf: (x: ExprNode) => DataType, at: ExprNode): void {
  const t = typeOf(e);
  if (t !== 'bool' && t !== 'null') {
    throw new AnalysisError('type', `expected a bool operand but ${printExpr(e)} is ${typeName(t)} in ${printExpr(at)}`, { name: printExpr(e) });
  }
}

/** Arithmetic on dates and timestamps is typed by the expression layer itself; only numbers are widened here. */
function bothNumericish(a: DataType, b: DataType): boolean {
  return (isNumeric(a) || a === 'null') && (isNumeric(b) || b === 'null');
}

function isStringLiteral(e: ExprNode): boolean {
  return e.kind === 'literal' && e.type === 'string';
}
