import { loadModule, parseSync, scanSync, type ScanToken } from 'libpg-query';
import type { Node } from './pg-ast.js';
import { sqlErrorAt } from './sql-error.js';
import { SluiceError } from '../util/errors.js';

// The parser is PostgreSQL's own, compiled to WebAssembly. It starts loading when
// this module is imported (no top-level await: `sluice run` may load us as CommonJS);
// Session.local awaits it, so that parsing stays synchronous (expr(), sql()).
let loaded = false;
const loading = loadModule().then(() => {
  loaded = true;
});
loading.catch(() => undefined); // a failure is reported to whoever awaits sqlParserReady()

/**
 * Resolves once the SQL parser is loaded (about 30 ms after import). `Session.local`
 * awaits it; code that calls `expr()` or parses SQL before creating a session awaits it itself.
 * @example
 * await sqlParserReady();
 * const e = expr('a + 1');
 */
export function sqlParserReady(): Promise<void> {
  return loading;
}

/**
 * Parses SQL text into PostgreSQL raw statements. Every `location` in the
 * tree is an offset into `text` (as written, before the rewrites below).
 *
 * Two rewrites keep the dialect users had before: unquoted identifiers keep
 * their case (PostgreSQL folds them to lower case; our column names are
 * case-sensitive), keywords used as names too (`Year`), and a string literal in FROM names a file
 * (`FROM 'logs/*.csv'`, as in DuckDB).
 */
export function parseSql(text: string): Node[] {
  if (!loaded) throw new SluiceError('The SQL parser is still loading: await Session.local(...) or sqlParserReady() before parsing SQL');
  const tokens = scan(text);
  let { sql, shifts } = rewrite(text, tokens, new Set());
  let stmts;
  try {
    stmts = parseSync(sql).stmts ?? [];
  } catch (e) {
    throw toSyntaxError(e, text, shifts);
  }
  const asNames = keywordsAsNames(text, tokens, stmts);
  if (asNames.size > 0) ({ sql, shifts } = rewrite(text, tokens, asNames));
  if (asNames.size > 0) stmts = parseSync(sql).stmts ?? [];
  const nodes = stmts.map((s) => s.stmt).filter((s): s is Node => s !== undefined);
  remapLocations(nodes, shifts);
  return nodes;
}

/**
 * Keywords spelled with upper-case letters that stand as names (`SELECT Year FROM t`): PostgreSQL
 * would fold them to lower case like any unquoted name. A keyword token is a name when quoting it
 * changes nothing in the parse tree but the name's case; `CAST(x AS Integer)` or `Nulls First`
 * parse differently quoted, and stay keywords. Returns the start offsets of those tokens.
 */
function keywordsAsNames(text: string, tokens: ScanToken[] | undefined, stmts: unknown): Set<number> {
  const candidates = (tokens ?? []).filter((t) => t.keywordKind > 0 && t.keywordKind < 4 && PLAIN_IDENT.test(t.text) && t.text !== t.text.toLowerCase()).map((t) => t.start);
  if (candidates.length === 0) return new Set();
  const shape = treeShape(stmts);
  const same = (quoted: Set<number>): boolean => {
    try {
      return treeShape(parseSync(rewrite(text, tokens, quoted).sql).stmts ?? []) === shape;
    } catch {
      return false;
    }
  };
  const all = new Set(candidates);
  if (same(all)) return all;
  const accepted = new Set<number>();
  for (const c of candidates) if (same(new Set([...accepted, c]))) accepted.add(c);
  return accepted;
}

/** A parse tree without positions and with every string in lower case. */
function treeShape(stmts: unknown): string {
  return JSON.stringify(stmts, (k, v: unknown) => (k === 'location' ? undefined : typeof v === 'string' ? v.toLowerCase() : v));
}

function scan(text: string): ScanToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined; // the parser will report the error
  }
}

/** Turns a parser exception into a SqlError at its cursor position. */
function toSyntaxError(e: unknown, text: string, shifts: number[]): unknown {
  const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  if (!details || typeof details.cursorPosition !== 'number') return e;
  const message = String(details.message ?? (e as Error).message);
  const near = /^syntax error at or near "(.*)"$/.exec(message);
  const what = /^syntax error at end of input$/.test(message) ? 'unexpected end of input' : near ? `unexpected ${JSON.stringify(near[1])}` : message;
  return sqlErrorAt(text, original(details.cursorPosition, shifts), `SQL syntax error: ${what}`);
}

const PLAIN_IDENT = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/;
/** Keywords after which a FROM-clause item starts (commas count only inside FROM). */
const CLAUSE_END = new Set(['where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'window', 'select', 'fetch', 'for', 'qualify', 'returning']);

/**
 * Quotes unquoted identifiers that have upper-case letters (and the keyword tokens starting at
 * `keywords`), and turns a string literal starting a FROM item into a quoted identifier (same
 * length). `shifts` are the offsets in the rewritten text where a character was inserted.
 */
function rewrite(text: string, tokens: ScanToken[] | undefined, keywords: Set<number>): { sql: string; shifts: number[] } {
  if (!tokens) return { sql: text, shifts: [] };
  const parts: string[] = [];
  const shifts: number[] = [];
  let copied = 0;
  let added = 0;
  const clauses: string[] = ['none'];
  let previous = '';
  let previousIsName = false;
  for (const t of tokens) {
    if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
    const word = t.text.toLowerCase();
    let replacement: string | undefined;
    const top = clauses.length - 1;
    // Parentheses after a name hold a call's arguments (EXTRACT(y FROM d), SUBSTRING(s FROM 'x')): their FROM starts no table.
    if (t.text === '(') clauses.push(previousIsName ? 'call' : 'none');
    else if (t.text === ')') clauses.length > 1 && clauses.pop();
    else if ((word === 'from' || word === 'join') && clauses[top] !== 'call') clauses[top] = 'from';
    else if (CLAUSE_END.has(word)) clauses[top] = 'none';
    previousIsName = t.tokenName === 'IDENT' || (t.keywordKind > 0 && t.keywordKind < 4);
    if ((t.tokenName === 'IDENT' || keywords.has(t.start)) && PLAIN_IDENT.test(t.text) && t.text !== word) {
      replacement = `"${t.text}"`;
    } else if (t.tokenName === 'SCONST' && /^'[^'"]*'$/.test(t.text)) {
      const startsItem = clauses[clauses.length - 1] === 'from' && (previous === 'from' || previous === 'join' || previous === ',');
      if (startsItem) replacement = `"${t.text.slice(1, -1)}"`;
    }
    previous = word;
    if (replacement === undefined) continue;
    parts.push(text.slice(copied, t.start), replacement);
    copied = t.end;
    if (replacement.length !== t.end - t.start) {
      shifts.push(t.start + added, t.end + added + 1);
      added += 2;
    }
  }
  parts.push(text.slice(copied));
  return { sql: parts.join(''), shifts };
}

/** An offset in the rewritten text as an offset in the original. */
function original(offset: number, shifts: number[]): number {
  let n = 0;
  while (n < shifts.length && shifts[n]! < offset) n++;
  return offset - n;
}

/** Rewrites every `location` in the tree (in place) to an offset in the original text. */
function remapLocations(root: unknown, shifts: number[]): void {
  if (shifts.length === 0) return;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      if (k === 'location' && typeof x === 'number' && x >= 0) o[k] = original(x, shifts);
      else if (typeof x === 'object') stack.push(x);
    }
  }
}
