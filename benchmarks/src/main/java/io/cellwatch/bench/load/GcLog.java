package io.cellwatch.bench.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GC log of one running JVM, switched on from outside with {@code jcmd <pid> VM.log output=<file> what=gc}
 * (JDK unified logging can be configured at run time), so neither this JVM nor the broker's child JVM needs a
 * different command line. The pauses of a window are the {@code Pause ...} lines written between two file
 * offsets. G1 logs each pause with the heap on one {@code gc} line; ZGC logs its three short pauses per cycle on
 * {@code gc+phases} lines and the heap on the cycle's {@code gc} line, so both tags are switched on.
 */
final class GcLog {
    /** e.g. {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 100M->20M(512M) 3.123ms}. */
    private static final Pattern PAUSE = Pattern.compile(
        "Pause ([A-Za-z]+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms");
    /** ZGC (JDK 17): {@code GC(4) Pause Mark Start 0.013ms}, also Mark End and Relocate Start. */
    private static final Pattern ZGC_PAUSE = Pattern.compile("Pause (Mark Start|Mark End|Relocate Start) ([0-9.]+)ms");
    /** ZGC's cycle line: {@code GC(4) Garbage Collection (Proactive) 296M(58%)->100M(20%)}. */
    private static final Pattern ZGC_CYCLE = Pattern.compile(
        "Garbage Collection \\(.*?\\) (\\d+)M\\((\\d+)%\\)->(\\d+)M\\((\\d+)%\\)");

    final String name;
    final long pid;
    final Path file;
    final String error;

    private GcLog(final String name, final long pid, final Path file, final String error) {
        this.name = name;
        this.pid = pid;
        this.file = file;
        this.error = error;
    }

    /** Starts GC logging of {@code pid} into {@code file}; never throws (the error is kept for the report). */
    static GcLog start(final String name, final long pid, final Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            return new GcLog(name, pid, file, "cannot write " + file + ": " + e);
        }
        final String error = jcmd(pid, "VM.log", "output=" + file.toAbsolutePath(), "what=gc,gc+phases",
            "decorators=uptime");
        return new GcLog(name, pid, file, error);
    }

    /** Runs {@code jcmd <pid> args}; returns null on success, else what went wrong. */
    static String jcmd(final long pid, final String... args) {
        final List<String> command = new ArrayList<>();
        final Path inJdk = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        command.add(Files.isExecutable(inJdk) ? inJdk.toString() : "jcmd");
        command.add(Long.toString(pid));
        command.addAll(List.of(args));
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || out.contains("rror")) {
                return "jcmd " + String.join(" ", args) + " failed: " + out.trim();
            }
            return null;
        } catch (IOException e) {
            return "jcmd " + String.join(" ", args) + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    long size() {
        try {
            return error == null ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Pauses logged between two offsets of the file. */
    Pauses pausesBetween(final long from, final long to) {
        final Pauses p = new Pauses();
        if (error != null || to <= from) {
            return p;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            final byte[] bytes = new byte[(int) (to - from)];
            f.seek(from);
            f.readFully(bytes);
            return parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            p.error = e.toString();
        }
        return p;
    }

    /** The pauses in a piece of a G1 or ZGC log. */
    static Pauses parse(final String log) {
        final Pauses p = new Pauses();
        for (String line : log.split("\n")) {
            final Matcher m = PAUSE.matcher(line);
            final Matcher z = ZGC_PAUSE.matcher(line);
            final Matcher c = ZGC_CYCLE.matcher(line);
            if (m.find()) {
                p.add(m.group(1), Double.parseDouble(m.group(5)));
                p.heap(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
            } else if (z.find()) {
                p.add(z.group(1).replace(" ", ""), Double.parseDouble(z.group(2)));
            } else if (c.find()) {
                final long before = Long.parseLong(c.group(1));
                final long percent = Long.parseLong(c.group(2));
                p.heap(before, Long.parseLong(c.group(3)), percent == 0 ? p.heapCapacityMb : before * 100 / percent);
            }
        }
        return p;
    }

    /** Stop-the-world pauses in a window. */
    static final class Pauses {
        int count;
        double totalMs;
        double maxMs;
        String maxKind = "-";
        long maxHeapBeforeMb;
        long maxHeapAfterMb;
        long heapCapacityMb;
        String error;

        private void add(final String kind, final double ms) {
            count++;
            totalMs += ms;
            if (ms > maxMs) {
                maxMs = ms;
                maxKind = kind;
            }
        }

        private void heap(final long beforeMb, final long afterMb, final long capacityMb) {
            maxHeapBeforeMb = Math.max(maxHeapBeforeMb, beforeMb);
            maxHeapAfterMb = Math.max(maxHeapAfterMb, afterMb);
            heapCapacityMb = capacityMb;
        }
    }
}
