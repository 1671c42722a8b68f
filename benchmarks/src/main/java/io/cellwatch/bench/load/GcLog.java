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
 * offsets.
 */
final class GcLog {
    /** e.g. {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 100M->20M(512M) 3.123ms}. */
    private static final Pattern PAUSE = Pattern.compile(
        "Pause ([A-Za-z]+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms");

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
        final String error = jcmd(pid, "VM.log", "output=" + file.toAbsolutePath(), "what=gc", "decorators=uptime");
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
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                final Matcher m = PAUSE.matcher(line);
                if (m.find()) {
                    final double ms = Double.parseDouble(m.group(5));
                    p.count++;
                    p.totalMs += ms;
                    if (ms > p.maxMs) {
                        p.maxMs = ms;
                        p.maxKind = m.group(1);
                    }
                    p.maxHeapBeforeMb = Math.max(p.maxHeapBeforeMb, Long.parseLong(m.group(2)));
                    p.maxHeapAfterMb = Math.max(p.maxHeapAfterMb, Long.parseLong(m.group(3)));
                    p.heapCapacityMb = Long.parseLong(m.group(4));
                }
            }
        } catch (IOException e) {
            p.error = e.toString();
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
    }
}
