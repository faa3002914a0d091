import sqlParser from 'node-sql-parser';
import { SqlError } from './sql-error.js';

/**
 * A node of node-sql-parser's AST. Its published typings cover only part of
 * the PostgreSQL dialect's shapes, so the translators read fields dynamically
 * and check `type` themselves.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AstNode = any;

/** A 1-based position as node-sql-parser reports it (`loc.start`). */
export interface AstPosition {
  line: number;
  column: number;
  offset: number;
}

let parser: InstanceType<typeof sqlParser.Parser> | undefined;

/** Parses SQL text into node-sql-parser statements (PostgreSQL dialect, with locations). */
export function parseSql(text: string): AstNode[] {
  parser ??= new sqlParser.Parser();
  try {
    const ast = parser.astify(text, { database: 'postgresql', parseOptions: { includeLocations: true } });
    return Array.isArray(ast) ? ast : [ast];
  } catch (e) {
    throw toSyntaxError(e, text);
  }
}

/** Turns a parser exception into a SqlError at the parser's reported location. */
function toSyntaxError(e: unknown, text: string): unknown {
  const err = e as { location?: { start?: AstPosition }; found?: string | null; message?: string };
  const start = err.location?.start;
  if (!start) return e;
  const what = err.found === null || err.found === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(err.found)}`;
  return new SqlError(`SQL syntax error: ${what}`, text, start.line, start.column);
}

/** The start position of a node that carries `loc`, else undefined. */
export function positionOf(node: AstNode): AstPosition | undefined {
  return node && typeof node === 'object' && node.loc ? (node.loc.start as AstPosition) : undefined;
}
