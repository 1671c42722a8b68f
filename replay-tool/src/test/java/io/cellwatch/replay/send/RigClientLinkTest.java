package io.cellwatch.replay.send;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RigClientLinkTest {

    @Test
    void shouldRetryOnlyWhenErrorCodeSaysRetryLater() {
        for (ErrorCode c : ErrorCode.values()) {
            final boolean expected = c == ErrorCode.CHANNEL_CONFLICT || c == ErrorCode.UNAVAILABLE
                || c == ErrorCode.INTERNAL_ERROR;
            if (expected) {
                assertTrue(RigClientLink.retriable(c.code()), c.name());
            } else {
                assertFalse(RigClientLink.retriable(c.code()), c.name());
            }
        }
        assertFalse(RigClientLink.retriable(999), "an unknown code from a newer gateway is not retried blindly");
    }
}
