package io.cellwatch.bench.report;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Prints a JMH JSON result file ({@code -rf json}) as Markdown tables, one per benchmark class: time and
 * allocation per operation and per sample (divided by the {@code samples} parameter), the spread of the measured
 * iterations, and each variant's time as
 * a multiple of the class's {@code flyweight} variant with the same parameters, the reference every benchmark
 * class has. Usage: {@code java -cp benchmarks.jar io.cellwatch.bench.report.ResultsTable result.json}.
 */
public final class ResultsTable {
    /** Our variant in each class, the reference of the "time vs ours" column. */
    private static final java.util.Set<String> REFERENCE = java.util.Set.of("flyweight", "ours");
    private static final String ALLOC = "gc.alloc.rate.norm";

    private ResultsTable() {
    }

    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ResultsTable <jmh-result.json>");
            System.exit(2);
        }
        final JsonNode results = JsonMapper.builder().build().readTree(new File(args[0]));
        final Map<String, Double> referenceNs = new LinkedHashMap<>();
        for (JsonNode r : results) {
            if (REFERENCE.contains(method(r))) {
                referenceNs.put(className(r) + params(r), r.path("primaryMetric").path("score").asDouble());
            }
        }
        String currentClass = "";
        for (JsonNode r : results) {
            if (!className(r).equals(currentClass)) {
                currentClass = className(r);
                System.out.printf(Locale.ROOT, "%n#### %s%n%n", simpleName(currentClass));
                System.out.println("| variant | samples | ns/op (99.9% CI +-) | ns/sample | ns/sample, min-max of iterations | B/op | B/sample | time vs ours |");
                System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            }
            final JsonNode primary = r.path("primaryMetric");
            final double ns = primary.path("score").asDouble();
            final double nsError = primary.path("scoreError").asDouble(Double.NaN);
            final JsonNode alloc = r.path("secondaryMetrics").path(ALLOC);
            final double bytes = alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble();
            final int samples = r.path("params").path("samples").asInt(1);
            final Double reference = referenceNs.get(className(r) + params(r));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (JsonNode fork : primary.path("rawData")) {
                for (JsonNode iteration : fork) {
                    min = Math.min(min, iteration.asDouble());
                    max = Math.max(max, iteration.asDouble());
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %s +- %s | %s | %s-%s | %s | %s | %s |%n",
                method(r) + otherParams(r), samples, fmt(ns), fmt(nsError), fmt(ns / samples), fmt(min / samples), fmt(max / samples),
                bytesFmt(bytes),
                bytesFmt(bytes / samples), reference == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", ns / reference));
        }
    }

    private static String className(final JsonNode r) {
        final String b = r.path("benchmark").asText();
        return b.substring(0, b.lastIndexOf('.'));
    }

    private static String method(final JsonNode r) {
        final String b = r.path("benchmark").asText();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static String simpleName(final String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Parameters other than {@code samples}, e.g. " (rule=VOLTAGE_DROP)", to tell rows of one variant apart. */
    private static String otherParams(final JsonNode r) {
        final StringBuilder b = new StringBuilder();
        r.path("params").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("samples")) {
                b.append(b.length() == 0 ? " (" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
            }
        });
        return b.length() == 0 ? "" : b.append(')').toString();
    }

    private static String params(final JsonNode r) {
        return r.path("params").toString();
    }

    private static String fmt(final double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v < 100) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (v < 10_000) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String bytesFmt(final double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v < 10 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }
}
