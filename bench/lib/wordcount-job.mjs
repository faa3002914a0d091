// The W1 word count as a sluice user writes it, and the summary every word-count benchmark
// checks answers with (shared by wordcount.mjs and cluster/driver.mjs).

/** Counts the words of `file` (lowercased [a-z]+ runs) with reduceByKey; returns [word, count] pairs. */
export async function sluiceWordCount(s, file, minPartitions) {
  const ds = s.textFile(file, { minPartitions });
  const pairs = await ds
    .flatMap((line) => line.toLowerCase().match(/[a-z]+/g) ?? [])
    .map((w) => [w, 1])
    .reduceByKey((a, b) => a + b)
    .collect();
  return { counts: pairs, partitions: ds.numPartitions };
}

/** Distinct words, total words and the top 10 (ties by word): equal summaries, equal answers in practice. */
export function summary(entries) {
  const arr = Array.isArray(entries) ? entries : [...entries];
  let total = 0;
  for (const [, c] of arr) total += c;
  arr.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { distinct: arr.length, total, top10: arr.slice(0, 10).map(([w, c]) => `${w}:${c}`).join(' ') };
}
