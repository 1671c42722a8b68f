package io.cellwatch.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/** A running pipeline the fleet can load: where rigs connect, and which JVMs do the work. */
interface PipelineUnderTest extends AutoCloseable {
    /** The rig port (rig protocol v1). */
    InetSocketAddress rigAddress();

    /** The JVMs of the pipeline, by a name for the report: this JVM and the Kafka broker's child JVM. */
    Map<String, Long> jvmPids();

    /** The gateway's Prometheus page, scraped at the window's edges; null when the pipeline has none. */
    default URI metricsUri() {
        return null;
    }

    /** One line that says what runs, for the report. */
    String describe();

    @Override
    void close();
}
