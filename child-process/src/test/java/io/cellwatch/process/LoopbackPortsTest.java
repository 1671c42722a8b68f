package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LoopbackPortsTest {

    private static final String HOST = "127.0.0.1";

    @Test
    void shouldPickABindablePortOtherThanTheOneToAvoid() throws Exception {
        int first = LoopbackPorts.pickFree(HOST, 0);
        int second = LoopbackPorts.pickFree(HOST, first);

        assertNotEquals(first, second);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, second));
        }
    }

    @Test
    void shouldSeeWhetherAPortAcceptsConnections() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            port = server.getLocalPort();
            assertTrue(LoopbackPorts.acceptsConnections(HOST, port));
        }
        assertFalse(LoopbackPorts.acceptsConnections(HOST, port));
        assertFalse(LoopbackPorts.acceptsConnections(HOST, -1));
    }
}
