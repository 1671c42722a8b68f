package io.cellwatch.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class AlertIdsTest {
    @Test
    void shouldGiveTheSameIdWhenTheSameSampleIsProcessedAgain() {
        final String first = AlertIds.of("press-01/ch03", "upper-charge-voltage", 1_767_225_601_200_000L);
        final String again = AlertIds.of("press-01/ch03", "upper-charge-voltage", 1_767_225_601_200_000L);
        assertEquals(first, again);
        // pinned: a changed derivation would give replays and live runs different ids for the same alert
        assertEquals("92d2bbdd-ef91-360f-be66-7638671c1e35", first);
        assertEquals(3, UUID.fromString(first).version());
    }

    @Test
    void shouldGiveDistinctIdsWhenChannelRuleOrTimeDiffer() {
        final String base = AlertIds.of("rig/ch1", "rule", 1000L);
        assertNotEquals(base, AlertIds.of("rig/ch2", "rule", 1000L));
        assertNotEquals(base, AlertIds.of("rig/ch1", "rule2", 1000L));
        assertNotEquals(base, AlertIds.of("rig/ch1", "rule", 1001L));
        // the separator keeps the parts apart: "ab"+"c" is not "a"+"bc"
        assertNotEquals(AlertIds.of("ab", "c", 1L), AlertIds.of("a", "bc", 1L));
        assertNotEquals(AlertIds.of("a", "b1", 1L), AlertIds.of("a", "b", 11L));
    }

    @Test
    void shouldGiveDistinctIdsWhenManyChannelsAndTimesAreCombined() {
        final Set<String> ids = new HashSet<>();
        for (int channel = 0; channel < 50; channel++) {
            for (long time = 0; time < 200; time++) {
                ids.add(AlertIds.of("rig/ch" + channel, "upper-charge-voltage", time));
                ids.add(AlertIds.of("rig/ch" + channel, "voltage-drop", time));
            }
        }
        assertEquals(50 * 200 * 2, ids.size());
    }
}
