/** Random columns (strings, numbers, lists, with nulls) as a Polars frame, and the rows sluice should read back from what Polars writes of it. */
import pl from 'nodejs-polars';
import { Rng } from '../../frame/oracle/random.js';

const ALPHABET = ['a', 'b', 'z', ' ', ',', '"', '\n', 'é', '日', '😀', '\u0000'];

/** A random string of 0..40 characters (UTF-8 lengths on both sides of the 12-byte inline limit). */
function randomString(rng: Rng): string {
  const n = rng.below(4) === 0 ? rng.below(13) : rng.below(41);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[rng.below(ALPHABET.length)];
  return s;
}

export interface Source {
  s: (string | null)[];
  n: (number | null)[];
  l: (number[] | null)[];
}

export function randomSource(seed: number, rows: number): Source {
  const rng = new Rng(seed);
  const src: Source = { s: [], n: [], l: [] };
  for (let i = 0; i < rows; i++) {
    // Repeats, so that the dictionary built while reading is smaller than the column.
    src.s.push(rng.below(5) === 0 ? null : rng.below(3) === 0 && i > 0 ? src.s[rng.below(i)]! : randomString(rng));
    src.n.push(rng.below(6) === 0 ? null : rng.below(1000) - 500);
    src.l.push(rng.below(6) === 0 ? null : Array.from({ length: rng.below(4) }, () => rng.below(100)));
  }
  return src;
}

/** The source as Polars, in `chunks` chunks (Polars writes one record batch per chunk). */
export function polarsFrame(src: Source, chunks: number): pl.DataFrame {
  const per = Math.ceil(src.s.length / chunks);
  const parts: pl.DataFrame[] = [];
  for (let a = 0; a < src.s.length; a += per) {
    parts.push(
      pl.DataFrame({
        s: pl.Series('s', src.s.slice(a, a + per), pl.Utf8),
        n: pl.Series('n', src.n.slice(a, a + per), pl.Float64),
        l: pl.Series('l', src.l.slice(a, a + per), pl.List(pl.Float64)),
      }),
    );
  }
  return pl.concat(parts, { rechunk: false, how: 'vertical' });
}

export function expectedRows(src: Source): Record<string, unknown>[] {
  return src.s.map((s, i) => ({ s, n: src.n[i], l: src.l[i] }));
}

