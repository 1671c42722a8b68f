package io.cellwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import org.junit.jupiter.api.Test;

/** The job's source fetch keys: Kafka's own defaults unless set, a bad value refused by name. */
class JobConfigTest {

    @Test
    void shouldFetchAsKafkaDoesByDefaultAndTakeTheSourceFetchKeys() {
        final JobConfig defaults = JobConfig.from(Settings.of(Map.of()));
        assertEquals(1, defaults.sourceFetchMinBytes());
        assertEquals(500, defaults.sourceFetchMaxWaitMs());
        final JobConfig tuned = JobConfig.from(Settings.of(Map.of(JobConfig.SOURCE_FETCH_MIN_BYTES, "262144",
            JobConfig.SOURCE_FETCH_MAX_WAIT, "5")));
        assertEquals(262_144, tuned.sourceFetchMinBytes());
        assertEquals(5, tuned.sourceFetchMaxWaitMs());
        assertEquals(tuned.sourceFetchMinBytes(), tuned.withBootstrapServers("10.0.0.1:9092").sourceFetchMinBytes(),
            "a copy for another cluster keeps the fetch settings");
    }

    @Test
    void shouldRefuseAFetchSizeBelowOneByteNamingTheKey() {
        final ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.from(Settings.of(Map.of(
            JobConfig.SOURCE_FETCH_MIN_BYTES, "0"))));
        assertTrue(e.getMessage().contains(JobConfig.SOURCE_FETCH_MIN_BYTES), e.getMessage());
    }
}
