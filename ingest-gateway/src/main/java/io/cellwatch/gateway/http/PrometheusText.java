package io.cellwatch.gateway.http;

import java.util.Map;
import java.util.function.Predicate;

/** Renders the gateway's counters and gauges in the Prometheus text exposition format. */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * {@code name{label=value}} keys become {@code cellwatch_gateway_name{label="value"}} lines.
     *
     * @param isGauge whether a family (the key without its label) is a gauge; the rest are counters
     */
    static String render(final Map<String, Long> counters, final Predicate<String> isGauge) {
        final StringBuilder b = new StringBuilder(4096);
        String lastFamily = null;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            final String key = e.getKey();
            final int brace = key.indexOf('{');
            final String name = brace < 0 ? key : key.substring(0, brace);
            final String family = "cellwatch_gateway_" + name;
            if (!family.equals(lastFamily)) {
                b.append("# TYPE ").append(family).append(isGauge.test(name) ? " gauge" : " counter").append('\n');
                lastFamily = family;
            }
            b.append(family);
            if (brace >= 0) {
                final String labels = key.substring(brace + 1, key.length() - 1);
                final int eq = labels.indexOf('=');
                b.append('{').append(labels, 0, eq).append("=\"").append(labels.substring(eq + 1)).append("\"}");
            }
            b.append(' ').append(e.getValue()).append('\n');
        }
        return b.toString();
    }
}
