import { DeterministicError } from '../../util/errors.js';

/**
 * Java regular expressions (what Spark's split, regexp_extract and rlike take)
 * as JS RegExps with the 'u' flag. The two languages share most syntax; this
 * rewrites what differs: \Q..\E quoting, leading inline flags such as (?i),
 * \A \z \Z, Java's `$` (also before a final line terminator), ASCII-only \s,
 * \h \v \e \a, \x{...}, octal \0nn, POSIX classes such as \p{Alpha}, and
 * escaped punctuation that the 'u' flag would reject. What JS cannot express
 * (possessive quantifiers, atomic groups, class intersection, inline flags
 * past the start) is a clear error instead of a different answer.
 */

const END = String.raw`(?=(?:\r\n|[\n\r\u0085\u2028\u2029])?(?![\s\S]))`;
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const POSIX: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: String.raw`\x00-\x7F`, Alpha: 'a-zA-Z', Digit: '0-9', Alnum: 'a-zA-Z0-9',
  Punct: String.raw`!-\/:-@\[-\x60{-~`, Graph: String.raw`!-~`, Print: String.raw` -~`, Blank: String.raw` \t`,
  Cntrl: String.raw`\x00-\x1F\x7F`, XDigit: '0-9a-fA-F', Space: String.raw`\t-\r `,
};
const SPACE = String.raw`\t-\r `;
const HSPACE = String.raw` \t\xA0\u1680\u180E\u2000-\u200A\u202F\u205F\u3000`;
const VSPACE = String.raw`\n-\r\x85\u2028\u2029`;

const cache = new Map<string, RegExp>();

/**
 * The JS RegExp (flags 'u' plus `flags`) of a Java pattern, cached by text.
 * @throws SluiceError naming `fn` for a pattern that is invalid or uses what JS cannot express.
 */
export function javaRegex(pattern: string, fn: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const { source, flags: inline } = translate(pattern, fn);
    try {
      re = new RegExp(source, `u${inline}${flags}`);
    } catch (e) {
      throw new DeterministicError(`${fn}: invalid pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
    if (cache.size > 256) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** A character outside or inside a class, escaped for a 'u' RegExp when needed. */
const literal = (c: string, inClass: boolean): string => (SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : c);

function translate(pattern: string, fn: string): { source: string; flags: string } {
  const fail = (what: string): never => {
    throw new DeterministicError(`${fn}: the regular expression ${JSON.stringify(pattern)} uses ${what}, which sluice does not support`);
  };
  let i = 0;
  let flags = '';
  let multiline = false;
  const lead = /^\(\?([imsux]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'x') fail('comments mode (?x)');
      if (f === 'm') multiline = true;
      if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  let out = '';
  let depth = 0; // inside a character class when > 0
  while (i < pattern.length) {
    const c = pattern[i]!;
    const inClass = depth > 0;
    if (c === '\\') {
      const [text, used] = escape(pattern, i, inClass, fail);
      out += text;
      i += used;
      continue;
    }
    if (inClass) {
      if (c === '[') fail('a nested character class');
      if (c === '&' && pattern[i + 1] === '&') fail('class intersection (&&)');
      if (c === ']') depth = 0;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      depth = 1;
      out += c;
      i++;
      // A ']' right after '[' or '[^' is a literal in Java.
      if (pattern[i] === '^') out += pattern[i++];
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const next = pattern[i + 2];
      if (next === '>') fail('an atomic group (?>...)');
      if (next !== ':' && next !== '=' && next !== '!' && next !== '<') fail('inline flags past the start');
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+') fail('a possessive quantifier');
    out += c === '$' && !multiline ? END : c;
    i++;
  }
  return { source: out, flags };
}

/** The JS text of the escape at pattern[i] ('\\'), and how many characters it used. */
function escape(p: string, i: number, inClass: boolean, fail: (what: string) => never): [string, number] {
  const c = p[i + 1];
  if (c === undefined) fail('a trailing backslash');
  switch (c) {
    case 'Q': {
      const end = p.indexOf('\\E', i + 2);
      const body = p.slice(i + 2, end < 0 ? p.length : end);
      return [[...body].map((ch) => literal(ch, inClass)).join(''), (end < 0 ? p.length : end + 2) - i];
    }
    case 'A':
      return inClass ? fail('\\A in a class') : [String.raw`(?<![\s\S])`, 2];
    case 'z':
      return inClass ? fail('\\z in a class') : [String.raw`(?![\s\S])`, 2];
    case 'Z':
      return inClass ? fail('\\Z in a class') : [END, 2];
    case 's':
      return [inClass ? SPACE : `[${SPACE}]`, 2];
    case 'S':
      return [inClass ? String.raw`\S` : `[^${SPACE}]`, 2];
    case 'h':
      return [inClass ? HSPACE : `[${HSPACE}]`, 2];
    case 'v':
      return [inClass ? VSPACE : `[${VSPACE}]`, 2];
    case 'H':
    case 'V':
      return inClass ? fail(`\\${c} in a class`) : [`[^${c === 'H' ? HSPACE : VSPACE}]`, 2];
    case 'e':
      return [String.raw`\x1B`, 2];
    case 'a':
      return [String.raw`\x07`, 2];
    case 'x':
      if (p[i + 2] === '{') {
        const end = p.indexOf('}', i + 3);
        return end < 0 ? fail('an unterminated \\x{') : [`\\u{${p.slice(i + 3, end)}}`, end + 1 - i];
      }
      return [p.slice(i, i + 4), 4];
    case '0': {
      const m = /^[0-7]{1,3}/.exec(p.slice(i + 2));
      if (!m) fail('\\0 without octal digits');
      const code = parseInt(m![0].length === 3 && m![0][0]! > '3' ? m![0].slice(0, 2) : m![0], 8);
      const used = m![0].length === 3 && m![0][0]! > '3' ? 2 : m![0].length;
      return [`\\u{${code.toString(16)}}`, 2 + used];
    }
    case 'p':
    case 'P': {
      const m = /^\{(\w+)\}/.exec(p.slice(i + 2));
      const posix = m ? POSIX[m[1]!.replace(/^Is/, '')] : undefined;
      if (posix !== undefined) {
        const used = 2 + m![0].length;
        if (c === 'p') return [inClass ? posix : `[${posix}]`, used];
        return inClass ? fail('a negated POSIX class inside a class') : [`[^${posix}]`, used];
      }
      if (m && /^Is[A-Z]/.test(m[1]!)) return [`\\${c}{Script=${m[1]!.slice(2)}}`, 2 + m[0].length];
      return [p.slice(i, i + 2), 2];
    }
    case 'G':
    case 'X':
    case 'N':
    case 'R':
      return fail(`\\${c}`);
  }
  if (/[0-9A-Za-z]/.test(c!)) return [p.slice(i, i + 2), 2];
  // Java lets any other character be escaped; the 'u' flag only syntax characters.
  return [literal(c!, inClass), 2];
}

/**
 * Java's String.split(regex, limit) as Spark calls it: limit > 0 gives at
 * most `limit` parts, the last holding the rest; limit <= 0 splits at every
 * match and keeps trailing empty strings. A zero-width match at the start
 * makes no leading empty part, and an empty pattern splits into characters.
 */
export function javaSplit(s: string, pattern: string, limit: number): string[] {
  const max = limit > 0 ? limit : Infinity;
  if (pattern === '' && s !== '') {
    const chars = [...s];
    if (chars.length <= max) return chars;
    return [...chars.slice(0, max - 1), chars.slice(max - 1).join('')];
  }
  const g = javaRegex(pattern, 'split', 'g');
  g.lastIndex = 0;
  const parts: string[] = [];
  let index = 0;
  let m: RegExpExecArray | null;
  while (parts.length < max - 1 && (m = g.exec(s)) !== null) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      // JS leaves lastIndex at an empty match: step over one code point, as Java's find does.
      g.lastIndex = end + (s.codePointAt(end)! > 0xffff ? 2 : 1);
      if (end === 0) continue; // no leading empty part for an empty match at the start
    }
    parts.push(s.slice(index, m.index));
    index = end;
  }
  parts.push(s.slice(index));
  return parts;
}
