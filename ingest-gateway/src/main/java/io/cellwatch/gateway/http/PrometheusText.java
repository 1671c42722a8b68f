package io.cellwatch.gateway.http;

import java.util.Map;

/** Renders the gateway's counters in the Prometheus text exposition format. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** {@code name{label=value}} keys become {@code cellwatch_gateway_name{label="value"}} lines. */
    static String render(final Map<String, Long> counters) {
        final StringBuilder b = new StringBuilder(4096);
        String lastFamily = null;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            final String key = e.getKey();
            final int brace = key.indexOf('{');
            final String family = "cellwatch_gateway_" + (brace < 0 ? key : key.substring(0, brace));
            if (!family.equals(lastFamily)) {
                final boolean gauge = family.endsWith("_active") || family.endsWith("_connected");
                b.append("# TYPE ").append(family).append(gauge ? " gauge" : " counter").append('\n');
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
