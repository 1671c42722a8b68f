package io.cellwatch.replay.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;

/**
 * The difference between two sets of alerts of the same run ("before": the live run or an earlier evaluation;
 * "after": this evaluation), per channel and rule.
 *
 * <p>Within one channel and rule, both lists are put in sample-time order and aligned without crossing (the k-th
 * episode stays before the (k+1)-th): as many alerts as possible are paired, and among those pairings the one whose
 * pairs lie closest in time wins. A pair at the same sample time is unchanged; otherwise it moved earlier or later.
 * What is left unpaired was added or removed. So one extra episode at the start reads as one alert added, not as
 * every later alert moving by one episode.
 */
public final class AlertDiff {
    /** Above this many alert pairs to weigh in one channel and rule, alerts are paired in order instead. */
    static final long MAX_ALIGNED_PAIRS = 4_000_000L;

    /** What happened to an alert. */
    public enum Kind { ADDED, REMOVED, EARLIER, LATER, UNCHANGED }

    /**
     * One line of the difference.
     *
     * @param kind   what happened
     * @param before the alert before (null when added)
     * @param after  the alert after (null when removed)
     */
    public record Entry(Kind kind, Alert before, Alert after) {
        /** {@code after - before} sample time, us (0 unless moved). */
        public long shiftMicros() {
            return before == null || after == null ? 0 : after.sampleTimeMicros() - before.sampleTimeMicros();
        }

        /** The alert shown first: the new one when there is one. */
        public Alert any() {
            return after != null ? after : before;
        }
    }

    private final List<Entry> entries;

    private AlertDiff(final List<Entry> entries) {
        this.entries = entries;
    }

    /** Compares {@code before} with {@code after}. */
    public static AlertDiff compare(final List<Alert> before, final List<Alert> after) {
        final Map<String, List<Alert>> b = group(before);
        final Map<String, List<Alert>> a = group(after);
        final List<String> keys = new ArrayList<>(b.keySet());
        for (String k : a.keySet()) {
            if (!b.containsKey(k)) {
                keys.add(k);
            }
        }
        final List<Entry> entries = new ArrayList<>();
        for (String k : keys) {
            align(b.getOrDefault(k, List.of()), a.getOrDefault(k, List.of()), entries);
        }
        entries.sort(Comparator.comparingLong((Entry e) -> e.any().sampleTimeMicros())
            .thenComparing(e -> e.any().channelId()).thenComparing(e -> e.any().rule())
            .thenComparing(Entry::kind));
        return new AlertDiff(List.copyOf(entries));
    }

    /** Every entry, unchanged ones included, in sample-time order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The entries of one kind. */
    public List<Entry> of(final Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Whether anything was added, removed or moved. */
    public boolean hasChanges() {
        return entries.stream().anyMatch(e -> e.kind() != Kind.UNCHANGED);
    }

    private static Map<String, List<Alert>> group(final List<Alert> alerts) {
        final Map<String, List<Alert>> groups = new LinkedHashMap<>();
        for (Alert x : alerts) {
            groups.computeIfAbsent(x.channelId() + '\u0000' + x.rule(), k -> new ArrayList<>()).add(x);
        }
        for (List<Alert> g : groups.values()) {
            g.sort(Comparator.comparingLong(Alert::sampleTimeMicros)); // stable: file order among equal times
        }
        return groups;
    }

    /** Aligns one channel and rule. */
    private static void align(final List<Alert> before, final List<Alert> after, final List<Entry> out) {
        final int n = before.size();
        final int m = after.size();
        if ((long) n * m > MAX_ALIGNED_PAIRS) {
            for (int i = 0; i < Math.max(n, m); i++) {
                out.add(entry(i < n ? before.get(i) : null, i < m ? after.get(i) : null));
            }
            return;
        }
        // best[i][j]: the most pairs, then the least total |time difference|, over before[i..] and after[j..].
        final int[][] pairs = new int[n + 1][m + 1];
        final long[][] cost = new long[n + 1][m + 1];
        for (int i = n; i >= 0; i--) {
            for (int j = m; j >= 0; j--) {
                if (i == n || j == m) {
                    continue; // nothing left to pair
                }
                int bestPairs = pairs[i + 1][j + 1] + 1;
                long bestCost = sat(cost[i + 1][j + 1], Math.abs(before.get(i).sampleTimeMicros()
                    - after.get(j).sampleTimeMicros()));
                if (better(pairs[i + 1][j], cost[i + 1][j], bestPairs, bestCost)) {
                    bestPairs = pairs[i + 1][j];
                    bestCost = cost[i + 1][j];
                }
                if (better(pairs[i][j + 1], cost[i][j + 1], bestPairs, bestCost)) {
                    bestPairs = pairs[i][j + 1];
                    bestCost = cost[i][j + 1];
                }
                pairs[i][j] = bestPairs;
                cost[i][j] = bestCost;
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i == n) {
                out.add(entry(null, after.get(j++)));
            } else if (j == m) {
                out.add(entry(before.get(i++), null));
            } else {
                final int matchPairs = pairs[i + 1][j + 1] + 1;
                final long matchCost = sat(cost[i + 1][j + 1], Math.abs(before.get(i).sampleTimeMicros()
                    - after.get(j).sampleTimeMicros()));
                if (matchPairs == pairs[i][j] && matchCost == cost[i][j]) {
                    out.add(entry(before.get(i++), after.get(j++)));
                } else if (pairs[i + 1][j] == pairs[i][j] && cost[i + 1][j] == cost[i][j]) {
                    out.add(entry(before.get(i++), null));
                } else {
                    out.add(entry(null, after.get(j++)));
                }
            }
        }
    }

    private static boolean better(final int pairs, final long cost, final int bestPairs, final long bestCost) {
        return pairs > bestPairs || pairs == bestPairs && cost < bestCost;
    }

    private static long sat(final long a, final long b) {
        final long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static Entry entry(final Alert before, final Alert after) {
        if (before == null) {
            return new Entry(Kind.ADDED, null, after);
        }
        if (after == null) {
            return new Entry(Kind.REMOVED, before, null);
        }
        final long d = after.sampleTimeMicros() - before.sampleTimeMicros();
        return new Entry(d == 0 ? Kind.UNCHANGED : d < 0 ? Kind.EARLIER : Kind.LATER, before, after);
    }
}
