#!/usr/bin/env bash
# Runs every benchmark in sequence (never two at once: they would share the 2 cores),
# writing each report to bench/out/. Takes ~25 minutes on the 2-core machine.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
bash bench/setup-corpus.sh
npm run build --silent
node bench/wordcount.mjs           | tee bench/out/wordcount-1g.txt
node bench/codec.mjs               | tee bench/out/codec.txt
node bench/spill.mjs               | tee bench/out/spill-reduce.txt
JOB=sort node bench/spill.mjs      | tee bench/out/spill-sort.txt
node --max-old-space-size=16384 --import tsx bench/h2o/run.mjs | tee bench/out/h2o.txt
head -c 200000000 bench/data/corpus.txt > bench/data/corpus-200m.txt
rm -rf bench/out/prof
node --cpu-prof --cpu-prof-dir=bench/out/prof bench/profile-wordcount.mjs
node bench/profile-summary.mjs bench/out/prof | tee bench/out/profile.txt
