package io.cellwatch.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU of every thread of the pipeline's processes at one instant, from {@code /proc/<pid>/task/<tid>/stat} (Linux
 * only; elsewhere empty). Two of them say which threads used the window's CPU: that is how the load runs found that
 * the JIT compilers still took a quarter of a core per JVM a minute into the load, which a process total cannot show.
 * <p>
 * Each thread's run-queue wait comes from {@code /proc/<pid>/task/<tid>/schedstat} (the scheduler's time spent
 * runnable but not running, and the number of time slices): on a full box that wait, not the work, is what a
 * sample's latency is made of, one wake-up per hop. Kernels without scheduler statistics report -1.
 *
 * @param usageByThread ticks and run-queue wait by {@link ThreadKey}
 */
record ThreadCpu(Map<ThreadKey, Usage> usageByThread) {

    /** One thread: its process, its id, and its name as the kernel keeps it (15 characters at most). */
    record ThreadKey(long pid, long tid, String name) {
    }

    /**
     * What one thread had used at one instant.
     *
     * @param ticks      user+system CPU ticks
     * @param waitNanos  time runnable but waiting for a core ({@code schedstat} field 2), -1 if unknown
     * @param timeSlices time slices run ({@code schedstat} field 3), -1 if unknown
     */
    record Usage(long ticks, long waitNanos, long timeSlices) {
        static Usage ofTicks(final long ticks) {
            return new Usage(ticks, -1, -1);
        }
    }

    /**
     * The threads of one process that share a name up to their numbers (e.g. the four Netty event loops), with the
     * cores they used over the window and how long they waited for a core: {@code waitingThreads} is the group's
     * run-queue wait per second of the window (0.5 = on average half a thread of the group was ready but not
     * running), {@code meanWaitMicros} its wait per time slice, i.e. what each wake-up cost before the thread ran
     * (both NaN without scheduler statistics).
     */
    record Group(String process, long pid, String threads, int count, double cores, double waitingThreads,
                 double meanWaitMicros) {
    }

    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    static ThreadCpu take(final Collection<Long> pids) {
        final Map<ThreadKey, Usage> ticks = new HashMap<>();
        for (long pid : pids) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    read(pid, task, ticks);
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process ended: no figures for it
            }
        }
        return new ThreadCpu(ticks);
    }

    private static void read(final long pid, final Path task, final Map<ThreadKey, Usage> into) {
        try {
            final String stat = Files.readString(task.resolve("stat"));
            // "tid (name) state ppid ...": the name may hold spaces and parentheses, so split after the last ')'
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            final long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            final String name = Files.readString(task.resolve("comm")).trim();
            long wait = -1;
            long slices = -1;
            try {
                // "run_ns wait_ns timeslices"
                final String[] s = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
                wait = Long.parseLong(s[1]);
                slices = Long.parseLong(s[2]);
            } catch (IOException | RuntimeException e) {
                // a kernel without scheduler statistics: CPU only
            }
            into.put(new ThreadKey(pid, Long.parseLong(task.getFileName().toString()), name),
                new Usage(ticks, wait, slices));
        } catch (IOException | RuntimeException e) {
            // the thread ended between listing and reading
        }
    }

    /**
     * The groups that used at least {@code minCores} between {@code before} and this snapshot, busiest first.
     *
     * @param processNames a name for each pid (the rest are "other child process")
     */
    List<Group> since(final ThreadCpu before, final double wallNanos, final Map<Long, String> processNames,
                      final double minCores) {
        // per group: cores, threads, wait ns, time slices, threads without scheduler statistics
        final Map<String, double[]> byGroup = new LinkedHashMap<>();
        final Map<String, Group> keys = new HashMap<>();
        usageByThread.forEach((thread, now) -> {
            final Usage then = before.usageByThread.getOrDefault(thread, new Usage(0, 0, 0));
            final long used = now.ticks() - then.ticks();
            if (used <= 0) {
                return;
            }
            final String name = groupName(thread.name());
            final String key = thread.pid() + "\t" + name;
            final double[] sum = byGroup.computeIfAbsent(key, k -> new double[5]);
            sum[0] += used * MachineSnapshot.NANOS_PER_TICK / wallNanos;
            sum[1]++;
            if (now.waitNanos() < 0 || then.waitNanos() < 0) {
                sum[4]++;
            } else {
                sum[2] += now.waitNanos() - then.waitNanos();
                sum[3] += now.timeSlices() - then.timeSlices();
            }
            keys.putIfAbsent(key, new Group(processNames.getOrDefault(thread.pid(), "other child process"),
                thread.pid(), name, 0, 0, 0, 0));
        });
        final List<Group> groups = new ArrayList<>();
        byGroup.forEach((key, sum) -> {
            if (sum[0] >= minCores) {
                final Group g = keys.get(key);
                final boolean known = sum[4] == 0;
                groups.add(new Group(g.process(), g.pid(), g.threads(), (int) sum[1], sum[0],
                    known ? sum[2] / wallNanos : Double.NaN,
                    known && sum[3] > 0 ? sum[2] / sum[3] / 1_000 : Double.NaN));
            }
        });
        groups.sort(Comparator.comparingDouble(Group::cores).reversed());
        return groups;
    }

    /** Cores the JIT compiler threads (C1 and C2) of one process used between {@code before} and this snapshot. */
    double jitCoresSince(final ThreadCpu before, final double wallNanos, final long pid) {
        long used = 0;
        for (Map.Entry<ThreadKey, Usage> e : usageByThread.entrySet()) {
            if (e.getKey().pid() == pid && isJitCompiler(e.getKey().name())) {
                final Usage then = before.usageByThread.get(e.getKey());
                used += Math.max(0, e.getValue().ticks() - (then == null ? 0 : then.ticks()));
            }
        }
        return used * MachineSnapshot.NANOS_PER_TICK / wallNanos;
    }

    /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1", ...; the kernel keeps 15 characters. */
    static boolean isJitCompiler(final String threadName) {
        return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
    }

    /** The name with its numbers replaced by '#', so that a pool's threads form one group. */
    static String groupName(final String threadName) {
        return NUMBERS.matcher(threadName).replaceAll("#");
    }
}
