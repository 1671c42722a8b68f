package io.cellwatch.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU of the pipeline's processes and of the whole machine at one instant; two of them give the CPU used in
 * between. The pipeline's processes are this JVM (rigs, gateway, Flink MiniCluster) and every process it started
 * (the Kafka broker's child JVM): their user+system CPU comes from {@link ProcessHandle.Info#totalCpuDuration()},
 * which on Linux reads {@code /proc/<pid>/stat}. The machine's busy and steal ticks come from the first line of
 * {@code /proc/stat}, so "others" = machine busy minus ours.
 *
 * @param wallNanos      System.nanoTime()
 * @param cpuNanosByPid  user+system CPU of this JVM and each descendant, by pid (insertion order: this JVM first)
 * @param busyTicks      user+nice+system+irq+softirq ticks of all cores (-1 if /proc/stat is unreadable)
 * @param stealTicks     steal ticks of all cores
 * @param loadAverage    the first three fields of /proc/loadavg
 * @param cpuPressureSomeMicros the "some" total of /proc/pressure/cpu: how long at least one task was ready but
 *                       waiting for a core, since boot (-1 if the kernel has no pressure stall information)
 */
record MachineSnapshot(long wallNanos, Map<Long, Long> cpuNanosByPid, long busyTicks, long stealTicks,
                       String loadAverage, long cpuPressureSomeMicros) {
    /** USER_HZ on Linux; /proc/stat counts in these. */
    static final long NANOS_PER_TICK = 10_000_000L;

    static MachineSnapshot take() {
        final Map<Long, Long> cpu = new LinkedHashMap<>();
        final ProcessHandle self = ProcessHandle.current();
        cpu.put(self.pid(), cpuNanos(self));
        self.descendants().forEach(p -> cpu.put(p.pid(), cpuNanos(p)));
        long busy = -1;
        long steal = 0;
        try {
            final List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            final String[] f = lines.get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
            steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine-wide figures
        }
        String load = "n/a";
        try {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new MachineSnapshot(System.nanoTime(), cpu, busy, steal, load, readCpuPressureSomeMicros());
    }

    private static long readCpuPressureSomeMicros() {
        try {
            // "some avg10=0.00 avg60=0.00 avg300=0.00 total=123"
            for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                if (line.startsWith("some ")) {
                    return Long.parseLong(line.substring(line.indexOf("total=") + 6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI (older kernel, or not Linux)
        }
        return -1;
    }

    /**
     * Share of the time between the snapshots in which at least one task of the machine was ready to run but had
     * no core (NaN without PSI): the queueing every hop of a pipeline sees on a full box.
     */
    double cpuPressureSince(final MachineSnapshot before) {
        if (cpuPressureSomeMicros < 0 || before.cpuPressureSomeMicros < 0) {
            return Double.NaN;
        }
        return (cpuPressureSomeMicros - before.cpuPressureSomeMicros) * 1_000.0 / (wallNanos - before.wallNanos);
    }

    private static long cpuNanos(final ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** CPU (ns) a process used between {@code before} and this snapshot; 0 if it was not in both. */
    long cpuSince(final MachineSnapshot before, final long pid) {
        final Long a = before.cpuNanosByPid.get(pid);
        final Long b = cpuNanosByPid.get(pid);
        return a == null || b == null ? 0 : Math.max(0, b - a);
    }

    /** CPU (ns) of this JVM and all its descendants between the snapshots. */
    long ourCpuSince(final MachineSnapshot before) {
        long sum = 0;
        for (Long pid : cpuNanosByPid.keySet()) {
            sum += cpuSince(before, pid);
        }
        return sum;
    }

    /** Cores that processes other than ours kept busy on average (negative noise clipped to 0). */
    double otherCoresSince(final MachineSnapshot before) {
        if (busyTicks < 0 || before.busyTicks < 0) {
            return Double.NaN;
        }
        final double busyNanos = (double) (busyTicks - before.busyTicks) * NANOS_PER_TICK;
        return Math.max(0, (busyNanos - ourCpuSince(before)) / (wallNanos - before.wallNanos));
    }

    double stealCoresSince(final MachineSnapshot before) {
        return (double) (stealTicks - before.stealTicks) * NANOS_PER_TICK / (wallNanos - before.wallNanos);
    }
}
