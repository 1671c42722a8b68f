package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class StartupWaitTest {

    private static final String HOST = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(10);

    private ServerSocket server;

    @BeforeEach
    void openPort() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
    }

    @AfterEach
    void closePort() throws IOException {
        server.close();
    }

    @Test
    void shouldBeReadyOnceTheProbeSaysSo() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        StartupWait.Outcome outcome = StartupWait.await(List.of(new FakeProcess(true)), inSeconds(10), POLL, HOST,
                server.getLocalPort(), () -> calls.incrementAndGet() >= 3);

        assertEquals(StartupWait.Status.READY, outcome.status());
        assertEquals(3, calls.get());
        assertNull(outcome.exited());
    }

    @Test
    void shouldNameTheChildThatExited() throws Exception {
        FakeProcess alive = new FakeProcess(true);
        FakeProcess dead = FakeProcess.exited();

        StartupWait.Outcome outcome = StartupWait.await(List.of(alive, dead), inSeconds(10), POLL, HOST,
                server.getLocalPort(), () -> false);

        assertEquals(StartupWait.Status.EXITED, outcome.status());
        assertSame(dead, outcome.exited());
    }

    @Test
    void shouldTimeOutWithoutProbingWhileThePortIsClosed() throws Exception {
        int port = server.getLocalPort();
        server.close();
        AtomicInteger calls = new AtomicInteger();

        StartupWait.Outcome outcome = StartupWait.await(List.of(new FakeProcess(true)), inMillis(300), POLL, HOST,
                port, () -> calls.incrementAndGet() > 0);

        assertEquals(StartupWait.Status.TIMED_OUT, outcome.status());
        assertEquals(0, calls.get());
    }

    @Test
    void shouldKeepTheLastProbeErrorWhenTimingOut() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        StartupWait.Outcome outcome = StartupWait.await(List.of(new FakeProcess(true)), inMillis(300), POLL, HOST,
                server.getLocalPort(), () -> {
                    throw new IOException("attempt " + calls.incrementAndGet());
                });

        assertEquals(StartupWait.Status.TIMED_OUT, outcome.status());
        assertEquals("attempt " + calls.get(), outcome.lastError().getMessage());
    }

    @Test
    void shouldStopWaitingWhenTheProbeIsInterrupted() {
        assertThrows(InterruptedException.class, () -> StartupWait.await(List.of(new FakeProcess(true)),
                inSeconds(10), POLL, HOST, server.getLocalPort(), () -> {
                    throw new InterruptedException();
                }));
    }

    @Test
    void shouldRefuseZeroOrNegativeStartupTimeouts() {
        assertEquals(Duration.ofSeconds(1), StartupWait.requirePositive(Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> StartupWait.requirePositive(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> StartupWait.requirePositive(Duration.ofMillis(-1)));
    }

    private static Instant inSeconds(long seconds) {
        return Instant.now().plusSeconds(seconds);
    }

    private static Instant inMillis(long millis) {
        return Instant.now().plusMillis(millis);
    }
}
