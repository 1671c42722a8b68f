package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import io.cellwatch.core.config.ConfigException;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void shouldKeepEveryBrokerJvmArgInOrderWhenRepeated() {
        final LoadOptions o = LoadOptions.parse(new String[] {"--broker-jvm-arg=-XX:+UseZGC", "--channels=10",
            "--broker-jvm-arg", "-Xmx1g"});
        assertEquals(List.of("-XX:+UseZGC", "-Xmx1g"), o.brokerJvmArgs());
        assertEquals(10, o.channels());
    }

    @Test
    void shouldRefuseBrokerJvmArgWhenTheFloorHasNoBrokerOrTheValueIsNoOption() {
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--pipeline=floor",
            "--broker-jvm-arg=-XX:+UseZGC"}));
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--broker-jvm-arg=UseZGC"}));
    }

    @Test
    void shouldPassEverySetFlagToTheCellWatchPipelineAndRefuseItElsewhereOrMalformed() {
        final LoadOptions o = LoadOptions.parse(new String[] {"--set=gateway.kafka-compression=none",
            "--set=job.checkpoint-interval-ms=5000"});
        assertEquals(Map.of("gateway.kafka-compression", "none", "job.checkpoint-interval-ms", "5000"),
            o.stackSettings());
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--pipeline=naive",
            "--set=gateway.kafka-compression=none"}));
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--set=gateway.kafka-compression"}));
    }

    @Test
    void shouldPassEveryBrokerPropertyToTheCellWatchPipelineAndRefuseItElsewhereOrMalformed() {
        final LoadOptions o = LoadOptions.parse(new String[] {"--broker-property=num.io.threads=2",
            "--broker-property=num.network.threads=1"});
        assertEquals(Map.of("num.io.threads", "2", "num.network.threads", "1"), o.brokerProperties());
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--pipeline=naive",
            "--broker-property=num.io.threads=2"}));
        final ConfigException e = assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {
            "--broker-property=num.io.threads"}));
        assertEquals(true, e.getMessage().contains("--broker-property=num.io.threads"), e.getMessage());
    }

    @Test
    void shouldWarmUpThreeMinutesUnlessToldOtherwise() {
        assertEquals(180, LoadOptions.parse(new String[0]).warmupSeconds());
        assertEquals(30, LoadOptions.parse(new String[] {"--warmup-s=30"}).warmupSeconds());
    }
}
