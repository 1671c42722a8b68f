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
 *
 * @param ticksByThread user+system ticks by {@link ThreadKey}
 */
record ThreadCpu(Map<ThreadKey, Long> ticksByThread) {

    /** One thread: its process, its id, and its name as the kernel keeps it (15 characters at most). */
    record ThreadKey(long pid, long tid, String name) {
    }

    /**
     * The threads of one process that share a name up to their numbers (e.g. the four Netty event loops), with the
     * cores they used over the window.
     */
    record Group(String process, long pid, String threads, int count, double cores) {
    }

    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    static ThreadCpu take(final Collection<Long> pids) {
        final Map<ThreadKey, Long> ticks = new HashMap<>();
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

    private static void read(final long pid, final Path task, final Map<ThreadKey, Long> into) {
        try {
            final String stat = Files.readString(task.resolve("stat"));
            // "tid (name) state ppid ...": the name may hold spaces and parentheses, so split after the last ')'
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            final long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            final String name = Files.readString(task.resolve("comm")).trim();
            into.put(new ThreadKey(pid, Long.parseLong(task.getFileName().toString()), name), ticks);
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
        final Map<String, double[]> byGroup = new LinkedHashMap<>();
        final Map<String, Group> keys = new HashMap<>();
        ticksByThread.forEach((thread, ticks) -> {
            final long used = ticks - before.ticksByThread.getOrDefault(thread, 0L);
            if (used <= 0) {
                return;
            }
            final String name = groupName(thread.name());
            final String key = thread.pid() + "\t" + name;
            final double[] sum = byGroup.computeIfAbsent(key, k -> new double[2]);
            sum[0] += used * MachineSnapshot.NANOS_PER_TICK / wallNanos;
            sum[1]++;
            keys.putIfAbsent(key, new Group(processNames.getOrDefault(thread.pid(), "other child process"),
                thread.pid(), name, 0, 0));
        });
        final List<Group> groups = new ArrayList<>();
        byGroup.forEach((key, sum) -> {
            if (sum[0] >= minCores) {
                final Group g = keys.get(key);
                groups.add(new Group(g.process(), g.pid(), g.threads(), (int) sum[1], sum[0]));
            }
        });
        groups.sort(Comparator.comparingDouble(Group::cores).reversed());
        return groups;
    }

    /** Cores the JIT compiler threads (C1 and C2) of one process used between {@code before} and this snapshot. */
    double jitCoresSince(final ThreadCpu before, final double wallNanos, final long pid) {
        long used = 0;
        for (Map.Entry<ThreadKey, Long> e : ticksByThread.entrySet()) {
            if (e.getKey().pid() == pid && isJitCompiler(e.getKey().name())) {
                used += Math.max(0, e.getValue() - before.ticksByThread.getOrDefault(e.getKey(), 0L));
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
