package io.cellwatch.replay.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AlertDiffTest {
    private static final long S = 1_000_000L;

    static Alert alert(final String channel, final String rule, final long seconds) {
        return new Alert(AlertIds.of(channel, rule, seconds * S), channel, "rig", "sn", "lot", "p", 1, rule,
            AlertClass.SAFETY, StopAction.STOP, seconds * S, 4.26, Double.NaN, 4.25, "V", seconds * S, false, "r", "t");
    }

    static List<Alert> at(final String rule, final long... seconds) {
        final List<Alert> list = new ArrayList<>();
        for (long s : seconds) {
            list.add(alert("ch1", rule, s));
        }
        return list;
    }

    static List<String> kinds(final AlertDiff d) {
        final List<String> k = new ArrayList<>();
        for (AlertDiff.Entry e : d.entries()) {
            k.add(e.kind() + " " + (e.before() == null ? "-" : e.before().sampleTimeMicros() / S) + ">"
                + (e.after() == null ? "-" : e.after().sampleTimeMicros() / S));
        }
        return k;
    }

    @Test
    void shouldListEveryAlertAsRemovedWhenNoneIsRaisedAnyMore() {
        final AlertDiff d = AlertDiff.compare(at("upper", 10, 20, 30), List.of());
        assertEquals(List.of("REMOVED 10>-", "REMOVED 20>-", "REMOVED 30>-"), kinds(d));
        assertTrue(d.hasChanges());
    }

    @Test
    void shouldCallAnExtraEpisodeAtTheStartAddedRatherThanShiftEveryAlert() {
        final AlertDiff d = AlertDiff.compare(at("upper", 100, 200, 300), at("upper", 5, 100, 200, 300));
        assertEquals(List.of("ADDED ->5", "UNCHANGED 100>100", "UNCHANGED 200>200", "UNCHANGED 300>300"), kinds(d));
    }

    @Test
    void shouldPairTheClosestAlertsAndSayWhichMovedEarlierOrLater() {
        final AlertDiff d = AlertDiff.compare(at("upper", 100, 200, 300), at("upper", 95, 330));
        // Two pairs at most: 100->95 with 200->330 is 135 s apart in all, 100->95 with 300->330 only 35 s.
        assertEquals(List.of("EARLIER 100>95", "REMOVED 200>-", "LATER 300>330"), kinds(d));
        assertEquals(30 * S, d.of(AlertDiff.Kind.LATER).get(0).shiftMicros());
        assertEquals(-5 * S, d.of(AlertDiff.Kind.EARLIER).get(0).shiftMicros());
    }

    @Test
    void shouldCompareEachChannelAndRuleOnItsOwnWhenSeveralAreMixed() {
        final List<Alert> before = List.of(alert("ch1", "upper", 10), alert("ch2", "upper", 10),
            alert("ch1", "drop", 50));
        final List<Alert> after = List.of(alert("ch2", "upper", 12), alert("ch1", "upper", 10),
            alert("ch1", "drop", 40), alert("ch3", "upper", 1));
        final AlertDiff d = AlertDiff.compare(before, after);
        assertEquals(List.of("ADDED ->1", "UNCHANGED 10>10", "LATER 10>12", "EARLIER 50>40"), kinds(d));
        assertEquals("ch3", d.of(AlertDiff.Kind.ADDED).get(0).after().channelId());
    }

    @Test
    void shouldReportNoChangeWhenBothSetsAreEqual() {
        final AlertDiff d = AlertDiff.compare(at("upper", 1, 2), at("upper", 1, 2));
        assertFalse(d.hasChanges());
        assertEquals(2, d.of(AlertDiff.Kind.UNCHANGED).size());
    }
}
