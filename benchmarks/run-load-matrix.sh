#!/usr/bin/env bash
# Runs several load-harness configurations interleaved, round-robin (A B C A B C ...), and writes a Markdown table of
# each configuration's medians and ranges, the ratios to the first configuration round by round, and every run in
# order with its interference (io.cellwatch.bench.load.LoadMatrixReport).
# Usage, from the repository root after `mvn -B -o -pl benchmarks -am package -DskipTests -DskipITs`:
#   benchmarks/run-load-matrix.sh MATRIX ROUNDS CONFIG_FILE [harness flags for every run]
# CONFIG_FILE has one configuration a line, `NAME harness-flags...`; blank lines and lines starting with # are
# skipped (see benchmarks/load-matrix.example). Flags for every run come first, so a configuration's own flag wins.
# Each run goes through benchmarks/run-load.sh and takes the shared lock for itself, so other sessions can use the
# machine between runs (they are recorded as interference only during a run). With CELLWATCH_LOCK_HELD=1 the caller
# holds the lock for the whole matrix instead.
# Writes benchmarks/target/load/MATRIX-NAME-rK.{txt,json} per run and MATRIX.md (the tables).
set -euo pipefail
cd "$(dirname "$0")/.."
matrix=${1:?usage: benchmarks/run-load-matrix.sh MATRIX ROUNDS CONFIG_FILE [harness flags for every run]}
rounds=${2:?rounds missing}
config=${3:?config file missing}
shift 3
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive number, got '$rounds'" >&2; exit 2; }
out=benchmarks/target/load
mkdir -p "$out"

names=()
flags=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  read -r name rest <<< "$line"
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "bad configuration name '$name' in $config" >&2; exit 2; }
  names+=("$name")
  flags+=("$rest")
done < "$config"
(( ${#names[@]} > 0 )) || { echo "no configurations in $config" >&2; exit 2; }

report_args=()
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ((k = 1; k <= rounds; k++)); do
  for i in "${!names[@]}"; do
    run="$matrix-${names[i]}-r$k"
    read -r -a own <<< "${flags[i]}"
    rm -f "$out/$run.json"  # a failed run must not leave an older run's figures in the table
    echo "$(date -u +%H:%M:%S) round $k/$rounds: ${names[i]}: $* ${flags[i]}" >&2
    if ! benchmarks/run-load.sh "$run" "$@" "${own[@]}"; then
      echo "  $run failed; see $out/$run.txt" >&2
    fi
    # the broker's log of a 1 M samples/s run takes gigabytes; the GC logs and JFR files stay
    rm -rf "$out/data-$run/kafka"
    report_args+=("${names[i]}=$out/$run.json")
  done
done

{
  echo "Load matrix \`$matrix\`: $rounds round(s) of ${names[*]}, interleaved; $started to $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Command: \`benchmarks/run-load-matrix.sh $matrix $rounds $config $*\`; configurations:"
  echo
  for i in "${!names[@]}"; do echo "- \`${names[i]}\`: \`${flags[i]}\`"; done
  echo
  java -cp "benchmarks/target/classes:$(cat benchmarks/target/load.classpath)" \
    io.cellwatch.bench.load.LoadMatrixReport "${report_args[@]}"
} > "$out/$matrix.md"
cat "$out/$matrix.md"
