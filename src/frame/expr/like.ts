import { typeName } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { applyCompiled, constant, type Compiled } from './compiled.js';

/**
 * SQL LIKE / ILIKE: `%` matches any run of characters (newlines included),
 * `_` exactly one; everything else is literal. The pattern becomes one RegExp
 * at compile time; a dictionary column is matched once per distinct value.
 */

const SPECIAL = /[.*+?^${}()|[\]\\/]/;

/** The anchored RegExp equivalent to a LIKE pattern (`escape` makes the next character literal). */
export function likeToRegExp(pattern: string, caseInsensitive = false, escape?: string): RegExp {
  let src = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (escape !== undefined && ch === escape) {
      const next = chars[++i];
      if (next === undefined) throw new DeterministicError(`LIKE pattern '${pattern}' ends with the escape character`);
      src += SPECIAL.test(next) ? `\\${next}` : next;
    } else if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += SPECIAL.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${src}$`, caseInsensitive ? 'isu' : 'su');
}

/** Compiles `arg [NOT] [I]LIKE pattern`. @throws SluiceError when arg is not a string. */
export function compileLike(arg: Compiled, pattern: string, negated: boolean, caseInsensitive: boolean): Compiled {
  if (arg.type === 'null') return constant('bool', null);
  if (arg.type !== 'string') throw new DeterministicError(`LIKE needs a string, got ${typeName(arg.type)}`);
  const re = likeToRegExp(pattern, caseInsensitive);
  const row = negated ? (s: string) => !re.test(s) : (s: string) => re.test(s);
  return applyCompiled({ returnType: 'bool', row }, [arg]);
}
