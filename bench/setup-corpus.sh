#!/usr/bin/env bash
# Build the word-count corpus: GCIDE (real English dictionary text, from Debian's
# dict-gcide) transcoded to UTF-8 and repeated into one file of >= CORPUS_MB MB.
#   bash bench/setup-corpus.sh                  # 1 GiB -> bench/data/corpus.txt
#   CORPUS_MB=200 OUT=bench/data/corpus-200m.txt bash bench/setup-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS_MB="${CORPUS_MB:-1024}"
OUT="${OUT:-bench/data/corpus.txt}"
DZ=/usr/share/dictd/gcide.dict.dz
mkdir -p "$(dirname "$OUT")" bench/data

if [ ! -f "$DZ" ]; then
  echo "installing dict-gcide ..." >&2
  apt-get update -qq && apt-get install -y -qq dict-gcide >/dev/null
fi

BASE=bench/data/gcide.txt
if [ ! -s "$BASE" ]; then
  # dictzip is gzip-compatible; the text holds 3 Windows-1252 bytes (0x92, 0xE7, 0xB9),
  # the rest is ASCII, so transcoding the whole thing from WINDOWS-1252 is exact.
  gzip -dc "$DZ" | iconv -f WINDOWS-1252 -t UTF-8 > "$BASE.tmp"
  mv "$BASE.tmp" "$BASE"
fi
base_bytes=$(stat -c %s "$BASE")
want=$((CORPUS_MB * 1024 * 1024))
if [ -f "$OUT" ] && [ "$(stat -c %s "$OUT")" -ge "$want" ]; then
  echo "$OUT already $(stat -c %s "$OUT") bytes (>= $want)" >&2; exit 0
fi
reps=$(( (want + base_bytes - 1) / base_bytes ))
echo "repeating $BASE ($base_bytes bytes) x$reps -> $OUT" >&2
: > "$OUT.tmp"
for _ in $(seq 1 "$reps"); do cat "$BASE" >> "$OUT.tmp"; done
mv "$OUT.tmp" "$OUT"
echo "$OUT: $(stat -c %s "$OUT") bytes" >&2
