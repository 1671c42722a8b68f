package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void shouldStampSamplesTheScaledRigPeriodApartWhenRigTimeRunsFaster() {
        final LoadOptions o = LoadOptions.parse(new String[] {"--channels=2", "--rigs=2", "--rate-hz=500000",
            "--rig-time-scale=50"});
        assertEquals(50, o.rigTimeScale());
        assertEquals(100, o.rigSamplePeriodMicros(), "500 kHz of wall time x 50 = 10 kHz of rig time");
        assertEquals(1_000_000, o.offeredSamplesPerSecond(), "the offered load stays wall time");
        assertEquals(1, LoadOptions.parse(new String[0]).rigTimeScale());
        assertEquals(1000, LoadOptions.parse(new String[0]).rigSamplePeriodMicros());
    }

    @Test
    void shouldRefuseARigTimeScaleBelowOneOrNotANumber() {
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--rig-time-scale=0"}));
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--rig-time-scale=fast"}));
    }

    @Test
    void shouldDeclareTheLargestStateProcedureForCyclingCellsAndTheMonitorForFlatOnes() {
        final LoadOptions flat = LoadOptions.parse(new String[0]);
        assertEquals("flat", flat.cell());
        assertEquals("cellwatch/monitor", flat.procedureId());
        assertEquals(1, flat.procedureVersion());
        final LoadOptions cycling = LoadOptions.parse(new String[] {"--cell=cycling"});
        assertEquals("ort/cycling", cycling.procedureId());
        assertEquals(2, cycling.procedureVersion());
        final LoadOptions chosen = LoadOptions.parse(new String[] {"--cell=cycling",
            "--procedure=pse-app9/external-short-cell@1"});
        assertEquals("pse-app9/external-short-cell", chosen.procedureId());
    }

    @Test
    void shouldRefuseAnUnknownCellOrProcedureNamingTheKnownOnes() {
        final ConfigException cell = assertThrows(ConfigException.class,
            () -> LoadOptions.parse(new String[] {"--cell=sine"}));
        assertTrue(cell.getMessage().contains("cycling"), cell.getMessage());
        final ConfigException procedure = assertThrows(ConfigException.class,
            () -> LoadOptions.parse(new String[] {"--procedure=ort/cycling@9"}));
        assertTrue(procedure.getMessage().contains("ort/cycling@2"), procedure.getMessage());
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--procedure=ort/cycling"}));
    }

    @Test
    void shouldSampleTheJobStateEveryThirtySecondsUnlessToldOtherwise() {
        assertEquals(30, LoadOptions.parse(new String[0]).stateEverySeconds());
        assertEquals(0, LoadOptions.parse(new String[] {"--state-every-s=0"}).stateEverySeconds());
        assertThrows(ConfigException.class, () -> LoadOptions.parse(new String[] {"--state-every-s=-1"}));
    }
}
