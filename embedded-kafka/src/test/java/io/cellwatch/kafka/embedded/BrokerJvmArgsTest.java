package io.cellwatch.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerJvmArgsTest {

    @Test
    void shouldGiveFixedPreTouchedZgcHeapWhenCallerAddsNothing() {
        assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseZGC",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"), BrokerJvmArgs.merge(List.of()));
    }

    @Test
    void shouldReplaceZgcWhenCallerSelectsAnotherCollector() {
        assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"),
                BrokerJvmArgs.merge(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20")));
    }

    @Test
    void shouldKeepHeapFixedAtCallersSizeWhenCallerGivesOnlyMaximum() {
        assertEquals(List.of("-XX:+AlwaysPreTouch", "-XX:+UseZGC",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true", "-Xmx256m", "-Xms256m"),
                BrokerJvmArgs.merge(List.of("-Xmx256m")));
    }

    @Test
    void shouldLeaveCallersHeapSizesAloneWhenCallerGivesBoth() {
        assertEquals(List.of("-XX:+AlwaysPreTouch", "-XX:+UseZGC",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true", "-Xms128m", "-Xmx1g", "-XX:+PrintFlagsFinal"),
                BrokerJvmArgs.merge(List.of("-Xms128m", "-Xmx1g", "-XX:+PrintFlagsFinal")));
    }
}
