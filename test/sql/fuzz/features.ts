/**
 * Feature switches of the SQL fuzzer. Each switch turns on a construct that a known bug (fixed in
 * another branch) breaks today; the CI run keeps them off so it stays green, and the lead turns each
 * on once its fix is merged. A switch is named after its bug. Everything not listed here is always
 * generated.
 */
export interface Features {
  /** `a OR b AND c` printed without parentheses (node-sql-parser reads it as `(a OR b) AND c`); off: every operator is parenthesized. */
  andOrPrecedence: boolean;
  /** `NOT (x) IS NULL` (read as `(NOT x) IS NULL`); off: written `NOT ((x) IS NULL)`. */
  notIsNullPrecedence: boolean;
  /** count(*) and constant-only SELECT lists over joins: zero-column batches lose their row count. */
  zeroColumnBatches: boolean;
  /** `x NOT IN (y)` with a one-element list of a column returns no rows. */
  notInOneElement: boolean;
  /** IN / EXISTS / scalar subqueries under OR, NOT or CASE in WHERE (only top-level conjuncts work today). */
  subqueriesUnderOrNot: boolean;
  /** Scalar subqueries in the SELECT list. */
  scalarSubqueriesInSelect: boolean;
  /** `SELECT` without `FROM`. */
  selectWithoutFrom: boolean;
  /** Aggregates with DISTINCT: `sum(DISTINCT x)`, `count(DISTINCT x)`. */
  distinctAggregates: boolean;
  /**
   * Two output columns with the same name (in the outer query), and joins whose inputs share column
   * names (self-joins). Off: tables name their columns apart and a FROM clause uses each table once.
   */
  duplicateOutputNames: boolean;
  /**
   * `ln(x)`. Of a number ≤ 0 it is NULL in sluice (Spark) and an error in DuckDB, a dialect
   * difference: the text DuckDB runs wraps the argument so that it is NULL there (Printer).
   */
  log: boolean;
  /** `CASE (expr) WHEN ..`: a parenthesized simple-CASE operand is a syntax error today. Off: the operand is a bare column. */
  parenthesizedCaseOperand: boolean;
  /**
   * `x IN (SELECT (expr) AS c ..)` and `x > (SELECT (expr) ..)`: a subquery whose first select item
   * starts with a parenthesis is a syntax error today. Off: that item is printed as `CAST((expr) AS type)`.
   */
  subquerySelectStartsWithParen: boolean;
  /** A comma after a JOIN: `a JOIN b ON .., c` is a syntax error today (`a, b JOIN c` works). Off: CROSS JOIN instead. */
  commaAfterJoin: boolean;
  /**
   * `a, b RIGHT|FULL JOIN c ON ..` is planned as `(a, b) RIGHT JOIN c` (the comma binding tighter
   * than JOIN), which keeps fewer rows. Off: a RIGHT or FULL join does not follow a comma.
   */
  commaBeforeOuterJoin: boolean;
  /**
   * EXISTS correlated inside subqueries and derived tables (not only at the top level). Not a known
   * bug (decorrelate-nested.test.ts covers it): off in CI only because the fixed-seed run was
   * verified that way; on for longer runs.
   */
  nestedCorrelatedExists: boolean;
  /** Parenthesized join trees: `FROM (a CROSS JOIN b)`, `a JOIN (b JOIN c ON ..) ON ..`. */
  parenthesizedJoins: boolean;
}

/** What the CI run generates today: every construct a known, unmerged bug breaks is off. */
export const CI_FEATURES: Features = {
  // Fixed by the libpg-query parser, the zero-column batch fixes and the subquery rewrites; on.
  andOrPrecedence: true,
  notIsNullPrecedence: true,
  zeroColumnBatches: true,
  notInOneElement: true,
  subqueriesUnderOrNot: true,
  selectWithoutFrom: true,
  distinctAggregates: true,
  parenthesizedJoins: true,
  parenthesizedCaseOperand: true,
  commaAfterJoin: true,
  subquerySelectStartsWithParen: true,
  commaBeforeOuterJoin: true,
  nestedCorrelatedExists: true,
  // On since correlated EXISTS/IN under OR and NOT became mark joins, and subqueries in aggregate arguments are rewritten.
  scalarSubqueriesInSelect: true,
  // On since the harness compares rows by position and INTERSECT/EXCEPT match repeated names by position.
  duplicateOutputNames: true,
  // On: DuckDB's text maps ln's arguments ≤ 0 to NULL, as sluice (Spark) does (KNOWN.md).
  log: true,
};

/** Every construct on (for longer runs once the fixes are merged). */
export const ALL_FEATURES: Features = Object.fromEntries(Object.keys(CI_FEATURES).map((k) => [k, true])) as unknown as Features;

/** Features from a comma-separated list: `all`, `ci`, or names to turn on over CI_FEATURES (`-name` turns one off). */
export function parseFeatures(spec: string | undefined): Features {
  if (!spec || spec === 'ci') return { ...CI_FEATURES };
  const out: Features = { ...CI_FEATURES };
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'all') Object.assign(out, ALL_FEATURES);
    else {
      const off = part.startsWith('-');
      const name = off ? part.slice(1) : part;
      if (!(name in CI_FEATURES)) throw new Error(`unknown feature ${name}; known: ${Object.keys(CI_FEATURES).join(', ')}`);
      (out as unknown as Record<string, boolean>)[name] = !off;
    }
  }
  return out;
}
