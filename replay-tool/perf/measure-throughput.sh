#!/usr/bin/env bash
# Import + evaluate throughput of the replay tool, in samples/s, on the largest real recording of testdata/recordings
# (the BioLogic export, 9999 rows) and on a generated run of ROWS rows (default 2,000,000: 10 Hz, 1 h charge/discharge
# cycles between 3.0 and 4.3 V, so the upper-charge-voltage and rest-drop rules have work to do).
#
# Whole commands are timed, JVM start included (as an engineer runs them); 'ReplayCli --help' is timed too, so the
# start-up share is visible. Per run it prints wall time, samples/s, the command's own CPU time (user+sys) and the CPU
# that other processes used meanwhile (in cores, from /proc/stat): on a shared machine a run where others used more
# than a quarter core is noisy (BENCHMARKING.md).
#
# Prerequisites (from the repository root):
#   mvn -B -o -q -pl replay-tool -am package -DskipTests -DskipITs
#   mvn -B -o -q -pl replay-tool -am dependency:build-classpath -DincludeScope=runtime \
#       -Dmdep.outputFile=target/classpath.txt
# Usage, from the repository root, under the shared build lock on the 2-core build machines:
#   flock /tmp/cellwatch-mvn.lock replay-tool/perf/measure-throughput.sh [ROWS] [TRIALS]
set -euo pipefail

rows=${1:-2000000}
trials=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/replay-tool/target/perf
mkdir -p "$work"
cp_file=$root/replay-tool/target/classpath.txt
jar=$(ls "$root"/replay-tool/target/replay-tool-*.jar | grep -v -e sources -e tests | head -1)
[[ -f $cp_file && -f $jar ]] || { echo "build first: see the comment at the top of $0" >&2; exit 2; }
java_cmd=(java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp "$jar:$(cat "$cp_file")"
          io.cellwatch.replay.ReplayCli)

real=$root/testdata/recordings/test_loopsnewoutput_MB_CE1_short10k.csv
generated=$work/generated-$rows.csv
if [[ ! -f $generated ]]; then
    # The tool's generic CSV: time in s, V, A (+ = charge), C. Each 3600 s cycle: 1800 s charge at +1 A from 3.60 V
    # to 4.30 V (crossing 4.25 V), then 1800 s discharge at -1 A from 4.20 V to 3.00 V with a 60 s rest in between.
    awk -v n="$rows" 'BEGIN {
        print "time_s,voltage_v,current_a,cell_temp_c"
        for (i = 0; i < n; i++) {
            t = i / 10; c = t % 3600
            if (c < 1800)      { v = 3.60 + 0.70 * c / 1800; a = 1.0 }
            else if (c < 1860) { v = 4.20; a = 0.0 }
            else               { v = 4.20 - 1.20 * (c - 1860) / 1740; a = -1.0 }
            printf "%.1f,%.4f,%.3f,%.2f\n", t, v, a, 25 + 2 * sin(t / 600)
        }
    }' > "$generated"
fi

busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# run LABEL CMD...: one timed run; prints one table row. The sample count is the one the command prints.
run() {
    local label=$1; shift
    local b0 t0 t1 b1 cpu samples
    b0=$(busy_ticks); t0=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt" \
        || { cat "$work/err.txt" >&2; exit 1; }
    t1=$(date +%s%N); b1=$(busy_ticks)
    cpu=$(awk '{ print $1 + $2 }' "$work/time.txt")
    # import: 'read N samples, ...'; evaluate: 'evaluate FILE: 1 channel, N samples, ...'
    samples=$(sed -n -e 's/^read \([0-9]*\) samples.*/\1/p' -e 's/^evaluate [^:]*: [0-9]* channels\{0,1\}, \([0-9]*\) samples.*/\1/p' \
        "$work/out.txt" | head -1)
    awk -v l="$label" -v s="${samples:-0}" -v ns=$((t1 - t0)) -v cpu="$cpu" -v busy=$((b1 - b0)) \
        -v hz="$(getconf CLK_TCK)" \
        'BEGIN { w = ns / 1e9; other = (busy / hz - cpu) / w; if (other < 0) other = 0
                 printf "%-38s %9d %8.2f %12.0f %8.2f %12.0f %7.2f\n", l, s, w, s / w, cpu, (cpu > 0 ? s / cpu : 0),
                        other }'
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# samples/s = samples / wall time of the whole command (JVM start included); per_cpu_s = samples / its CPU s;"
echo "# others = cores used by other processes meanwhile"
printf '%-38s %9s %8s %12s %8s %12s %7s\n' command samples wall_s samples/s cpu_s per_cpu_s others
for trial in $(seq "$trials"); do
    run "--help (JVM start only)" "${java_cmd[@]}" --help
    for input in "$real" "$generated"; do
        name=$(basename "$input" .csv); name=${name/test_loopsnewoutput_MB_CE1_short10k/biologic-10k}
        out=$work/$name.cwrun
        run "import $name" "${java_cmd[@]}" import --force --output "$out" \
            --start-time 2026-01-01T00:00:00Z "$input"
        run "evaluate $name (ort/cycling@1)" "${java_cmd[@]}" evaluate --procedure ort/cycling@1 "$out"
    done
done
