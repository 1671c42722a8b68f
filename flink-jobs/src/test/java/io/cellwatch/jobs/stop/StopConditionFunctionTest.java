package io.cellwatch.jobs.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ParameterKeys;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import org.agrona.ExpandableArrayBuffer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keyed stop-condition function driven directly through Flink's operator test harness. */
class StopConditionFunctionTest {
    private static final String CH = "rigA/ch01";

    private KeyedOneInputStreamOperatorTestHarness<String, TelemetryRecord, Alert> harness;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new StopConditionFunction()), r -> r.channelId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private TelemetryRecord record(final String channelId, final int frameLength) {
        final int env = TelemetryRecordFlyweight.envelopeLength("rigA");
        final ExpandableArrayBuffer value = new ExpandableArrayBuffer(env + frameLength);
        TelemetryRecordFlyweight.encodeEnvelope(value, 0, "rigA", 42L);
        value.putBytes(env, scratch, 0, frameLength);
        return new TelemetryRecord(channelId, Arrays.copyOf(value.byteArray(), env + frameLength), 0, offset++);
    }

    private void declare(final long seq, final Map<String, Double> overrides) throws Exception {
        final int len = ChannelFlyweight.encode(scratch, 0, seq, new ChannelDeclaration(1, CH, "SN-1", "LOT-9",
            "pse-app9/overcharge-protection", 1, CellForm.PRISMATIC, 2.5, overrides));
        harness.processElement(new StreamRecord<>(record(CH, len)));
    }

    private void samples(final long seq, final long t0, final float... volts) throws Exception {
        final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, 1, volts.length);
        for (int i = 0; i < volts.length; i++) {
            SamplesFlyweight.putSample(scratch, 0, i, t0 + i, volts[i], 1f, 25f, Float.NaN, Float.NaN);
        }
        harness.processElement(new StreamRecord<>(record(CH, len)));
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }

    private ConcurrentLinkedQueue<StreamRecord<DeadLetter>> deadLetters() {
        return harness.getSideOutput(StopConditionFunction.DEAD_LETTERS);
    }

    @Test
    void shouldRaiseOneAlertPerEpisodeWithTheChannelsMetadata() throws Exception {
        declare(1, Map.of());
        samples(2, 1000, 4.20f, 4.25f, 4.2501f, 4.26f, 4.27f);
        samples(3, 2000, 4.28f, 4.21f);
        final List<Alert> out = alerts();
        assertEquals(1, out.size(), "4.25 exactly does not fire; 4.2501 does, once for the episode");
        final Alert a = out.get(0);
        assertEquals(1002, a.sampleTimeMicros());
        assertEquals(4.2501, a.value(), 1e-9);
        assertEquals(4.25, a.threshold());
        assertEquals(AlertIds.of(CH, UpperChargeVoltageRule.ID, 1002), a.alertId());
        assertEquals("rigA", a.rigId());
        assertEquals("SN-1", a.cellSerial());
        assertEquals("LOT-9", a.lot());
        assertEquals("pse-app9/overcharge-protection", a.procedureId());
        assertEquals(1, a.procedureVersion());
        assertEquals(AlertClass.SAFETY, a.alertClass());
        assertEquals(StopAction.STOP, a.action());
        assertFalse(a.acknowledged());
    }

    @Test
    void shouldRaiseANewAlertAfterTheEpisodeClearedBelowTheHysteresis() throws Exception {
        declare(1, Map.of());
        samples(2, 1000, 4.26f, 4.19f, 4.26f);
        assertEquals(List.of(1000L, 1002L), alerts().stream().map(Alert::sampleTimeMicros).collect(Collectors.toList()));
    }

    @Test
    void shouldUseTheChannelsOverriddenLimit() throws Exception {
        declare(1, Map.of(ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS, 4.40));
        samples(2, 1000, 4.30f, 4.40f, 4.41f);
        assertEquals(1, alerts().size());
        assertEquals(1002, alerts().get(0).sampleTimeMicros());
        assertEquals(4.40, alerts().get(0).threshold());
    }

    @Test
    void shouldSkipAResentBatchSoNoAlertIsRaisedTwice() throws Exception {
        declare(1, Map.of());
        samples(2, 1000, 4.20f);
        samples(3, 2000, 4.30f, 4.10f);
        samples(3, 2000, 4.30f, 4.10f); // the rig resent seq 3 after a reconnect
        assertEquals(1, alerts().size());
    }

    @Test
    void shouldKeepRuleStateAcrossRecordsOfTheSameEpisode() throws Exception {
        declare(1, Map.of());
        samples(2, 1000, 4.26f);
        samples(3, 2000, 4.27f);
        assertEquals(1, alerts().size(), "the episode continues across batches");
    }

    @Test
    void shouldEvaluateWithDefaultLimitsWhenTheChannelWasNeverDeclared() throws Exception {
        samples(5, 1000, 4.26f);
        assertEquals(1, alerts().size());
        assertNull(alerts().get(0).cellSerial());
    }

    @Test
    void shouldRaiseOneDataQualityAlertAndNoSafetyAlertWhenVoltagesAreNaN() throws Exception {
        declare(1, Map.of());
        samples(2, 1000, Float.NaN, Float.NaN, 4.20f, Float.NaN);
        final List<Alert> out = alerts();
        assertEquals(List.of(DataQualityRules.INVALID_VALUE, DataQualityRules.INVALID_VALUE),
            out.stream().map(Alert::rule).collect(Collectors.toList()), "one per episode: 2 episodes");
        assertEquals(AlertClass.DATA_QUALITY, out.get(0).alertClass());
        assertEquals(StopAction.NOTIFY, out.get(0).action());
        assertEquals(List.of(1000L, 1003L), out.stream().map(Alert::sampleTimeMicros).collect(Collectors.toList()));
    }

    @Test
    void shouldRaiseTheSilenceAlertFromATimerWhenNoDataArrives() throws Exception {
        harness.setProcessingTime(1_000);
        declare(1, Map.of());
        samples(2, 5_000_000, 4.20f);
        harness.setProcessingTime(1_000 + 9_000);
        assertTrue(alerts().isEmpty(), "overcharge-protection allows 10 s of silence");
        harness.setProcessingTime(1_000 + 10_100);
        assertEquals(List.of(DataQualityRules.SILENT), alerts().stream().map(Alert::rule).collect(Collectors.toList()));
        assertEquals(5_000_000L, alerts().get(0).sampleTimeMicros(), "stamped with the last sample seen");
        harness.setProcessingTime(1_000 + 60_000);
        assertEquals(1, alerts().size(), "one alert per silent episode");
    }

    @Test
    void shouldDeadLetterARecordThatIsNotAValidFrame() throws Exception {
        final TelemetryRecord junk = new TelemetryRecord(CH, new byte[] {1, 2, 3}, 0, 99);
        harness.processElement(new StreamRecord<>(junk));
        final int hb = HeartbeatFlyweight.encode(scratch, 0, 5);
        harness.processElement(new StreamRecord<>(record(CH, hb)));
        final List<DeadLetter> dead = deadLetters().stream().map(StreamRecord::getValue).collect(Collectors.toList());
        assertEquals(2, dead.size());
        assertEquals(99, dead.get(0).offset);
        assertTrue(dead.get(0).reason.contains("envelope"), dead.get(0).reason);
        assertTrue(dead.get(1).reason.contains("HEARTBEAT"), dead.get(1).reason);
        assertTrue(alerts().isEmpty());
    }

    @Test
    void shouldDeadLetterAnImplausibleLimitOverrideAndKeepTheDefault() throws Exception {
        declare(1, Map.of(ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS, 42.0));
        samples(2, 1000, 4.26f);
        assertEquals(1, deadLetters().size());
        assertEquals(4.25, alerts().get(0).threshold());
    }
}
