#!/usr/bin/env bash
# Runs every JMH benchmark once, under the shared Maven lock, and records the context that the figures need:
# date, machine, JDK, load average, and how much CPU other processes and the hypervisor took during the run
# (busy ticks in /proc/stat minus the CPU time of the JMH process tree; steal ticks).
# Usage, from the repository root after `mvn -B -o -pl benchmarks -am package -DskipTests`:
#   benchmarks/run-benchmarks.sh [extra JMH args, e.g. a benchmark regex]
# To build and run under one hold of the lock (others may take it in between otherwise):
#   flock /tmp/cellwatch-mvn.lock bash -c 'mvn -B -o -q -pl benchmarks -am package -DskipTests &&
#     CELLWATCH_LOCK_HELD=1 benchmarks/run-benchmarks.sh'
# Writes benchmarks/target/jmh/{result.json,jmh.txt,context.txt,table.md}.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/target/jmh
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
# JMH refuses an option given twice, so shorter or longer runs change these through JMH_TIMES instead.
read -r -a times <<< "${JMH_TIMES:--f 1 -wi 3 -w 2s -i 5 -r 2s}"
jmh_args=("${times[@]}" -prof gc -rf json -rff "$out/result.json")

# CELLWATCH_LOCK_HELD=1: the caller already holds the lock (e.g. it built the jar under the same hold).
lock=(flock /tmp/cellwatch-mvn.lock)
if [ "${CELLWATCH_LOCK_HELD:-}" = 1 ]; then lock=(); fi
exec "${lock[@]}" bash -s "$out" "$jar" "${jmh_args[@]}" "$@" <<'INNER'
set -euo pipefail
out=$1; jar=$2; shift 2
cpu_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8, $9 }' /proc/stat; }  # busy (user nice system irq softirq), steal
{
  echo "date_utc_start: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "jdk: $(java -version 2>&1 | head -2 | tail -1)"
  echo "loadavg_before: $(cat /proc/loadavg)"
  echo "command: java -jar $jar $*"
} > "$out/context.txt"
read -r busy0 steal0 < <(cpu_ticks)
t0=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$out/jmh-cpu.txt" java -jar "$jar" "$@" < /dev/null > "$out/jmh.txt" 2>&1
t1=$(date +%s.%N)
read -r busy1 steal1 < <(cpu_ticks)
read -r user sys < "$out/jmh-cpu.txt"
hz=$(getconf CLK_TCK)
{
  echo "date_utc_end: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "loadavg_after: $(cat /proc/loadavg)"
  awk -v b0="$busy0" -v b1="$busy1" -v s0="$steal0" -v s1="$steal1" -v u="$user" -v s="$sys" \
      -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {
    wall = t1 - t0; busy = (b1 - b0) / hz; own = u + s; steal = (s1 - s0) / hz;
    printf "wall_s: %.1f\njmh_tree_cpu_s: %.1f (user %.1f, sys %.1f)\n", wall, own, u, s;
    printf "all_busy_cpu_s: %.1f\nothers_cores_avg: %.2f\nsteal_cores_avg: %.2f\n", busy, (busy - own) / wall, steal / wall }'
} >> "$out/context.txt"
java -cp "$jar" io.cellwatch.bench.report.ResultsTable "$out/result.json" > "$out/table.md"
cat "$out/context.txt" "$out/table.md"
INNER
