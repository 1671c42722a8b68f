#!/usr/bin/env bash
# Runs the end-to-end load harness (io.cellwatch.bench.load.LoadHarness) once, under the shared Maven lock, with
# the same JVM flags every time. The harness itself records CPU, interference, GC and the machine.
# Usage, from the repository root after `mvn -B -o -pl benchmarks -am package -DskipTests -DskipITs`:
#   benchmarks/run-load.sh NAME [--harness-gc=OPTION] [harness flags, see --help]
# --harness-gc=OPTION (read here, not by the harness) replaces the harness JVM's collector, -XX:+UseG1GC, e.g.
# --harness-gc=-XX:+UseZGC; the broker's collector is the harness's --broker-jvm-arg. --harness-jvm-arg=OPTION
# (repeatable, also read here) adds an option to the harness JVM after the fixed ones, e.g.
# --harness-jvm-arg=-XX:MaxGCPauseMillis=20.
# Writes benchmarks/target/load/NAME.txt (console) and NAME.json (figures).
# Several runs under one hold of the lock (the script then must not take it again):
#   flock /tmp/cellwatch-mvn.lock env CELLWATCH_LOCK_HELD=1 bash -c 'benchmarks/run-load.sh a ...; benchmarks/run-load.sh b ...'
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: benchmarks/run-load.sh NAME [--harness-gc=OPTION] [harness flags]}
shift
gc=-XX:+UseG1GC
extra=()
args=()
for a in "$@"; do
  case "$a" in
    --harness-gc=-XX:+Use*GC) gc=${a#--harness-gc=} ;;
    --harness-jvm-arg=-*) extra+=("${a#--harness-jvm-arg=}") ;;
    --harness-jvm-arg=*) echo "--harness-jvm-arg takes a JVM option starting with '-', got '${a#--harness-jvm-arg=}'" >&2; exit 2 ;;
    --harness-gc=*) echo "--harness-gc takes a collector option such as -XX:+UseZGC, got '${a#--harness-gc=}'" >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
out=benchmarks/target/load
mkdir -p "$out"
cp="benchmarks/target/classes:$(cat benchmarks/target/load.classpath)"
# Same flags for every configuration (shared/BENCHMARKING.md): fixed heap, G1, pre-touched. Agrona needs the export.
jvm=(--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g "$gc" -XX:+AlwaysPreTouch ${extra[@]+"${extra[@]}"})
lock=(flock /tmp/cellwatch-mvn.lock)
if [[ "${CELLWATCH_LOCK_HELD:-}" == 1 ]]; then lock=(); fi
exec "${lock[@]}" java "${jvm[@]}" -cp "$cp" io.cellwatch.bench.load.LoadHarness \
  --data-dir="$out/data-$name" --json="$out/$name.json" "${args[@]}" > "$out/$name.txt" 2>&1
