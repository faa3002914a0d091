import { SluiceError } from '../util/errors.js';

/**
 * An error in SQL text: carries the 1-based `line` and `column` of the offending
 * token, and a message that quotes that line with a caret under the position.
 */
export class SqlError extends SluiceError {
  override name = 'SqlError';
  /** The message without the quoted line (e.g. `Unknown table 'pepole'. Did you mean 'people'?`). */
  readonly reason: string;
  readonly line: number;
  readonly column: number;
  /** The closest known name, when the error is about an unknown name. */
  readonly suggestion?: string;

  constructor(reason: string, sql: string, line: number, column: number, suggestion?: string) {
    super(formatSqlMessage(reason, sql, line, column));
    this.reason = reason;
    this.line = line;
    this.column = column;
    if (suggestion !== undefined) this.suggestion = suggestion;
  }
}

/** A SqlError at a character offset of `sql` (offset clamped to the text). */
export function sqlErrorAt(sql: string, offset: number, reason: string, suggestion?: string): SqlError {
  const { line, column } = lineColumnAt(sql, offset);
  return new SqlError(reason, sql, line, column, suggestion);
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(sql: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, sql.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function formatSqlMessage(reason: string, sql: string, line: number, column: number): string {
  const text = (sql.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  // Keep tabs in the caret line so the caret lines up under tab-indented SQL.
  const pad = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
  return `${reason} (line ${line}, column ${column})\n  ${text}\n  ${pad}^`;
}

const IDENT_CHAR = /[A-Za-z0-9_$]/;

/**
 * Offset of the first whole-word occurrence of identifier `word` in `sql`
 * (bare or double-quoted), outside string literals and comments; -1 if none.
 * `after` restricts the search to occurrences whose preceding token matches it
 * (e.g. /(from|join|,)$/i for a table name).
 */
export function findIdentifier(sql: string, word: string, after?: RegExp): number {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'") {
      i = skipQuoted(sql, i, "'");
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === '"') {
      const end = skipQuoted(sql, i, '"');
      if (sql.slice(i + 1, end - 1) === word && precededBy(sql, i, after)) return i;
      i = end;
      continue;
    }
    if (IDENT_CHAR.test(c) && (i === 0 || !IDENT_CHAR.test(sql[i - 1]!))) {
      let j = i;
      while (j < n && IDENT_CHAR.test(sql[j]!)) j++;
      if (sql.slice(i, j) === word && precededBy(sql, i, after)) return i;
      i = j;
      continue;
    }
    i++;
  }
  return -1;
}

/** Offset of a single-quoted string literal whose content is `value` (a file path in FROM), or -1. */
export function findStringLiteral(sql: string, value: string): number {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return sql.indexOf(quoted);
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function precededBy(sql: string, offset: number, after: RegExp | undefined): boolean {
  return after === undefined || after.test(sql.slice(Math.max(0, offset - 40), offset).trimEnd());
}
