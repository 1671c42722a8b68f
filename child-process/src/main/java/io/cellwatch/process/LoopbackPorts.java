package io.cellwatch.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Picks free ports for a child to bind, and probes whether a child accepts connections yet. */
public final class LoopbackPorts {

    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final int PICK_ATTEMPTS = 10;

    private LoopbackPorts() {
    }

    /**
     * Asks the operating system for a port that is free on {@code host} right now. Another process may take it
     * before the child binds it, so a caller retries with fresh ports when the child reports
     * {@code Address already in use}.
     *
     * @param host  the address the child binds, e.g. {@code 127.0.0.1}
     * @param avoid a port not to return (one picked a moment ago for the same child), or 0
     * @return the port
     * @throws IOException when no port can be bound, or the system keeps offering {@code avoid}
     */
    public static int pickFree(String host, int avoid) throws IOException {
        for (int i = 0; i < PICK_ATTEMPTS; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(host, 0));
                int port = socket.getLocalPort();
                if (port != avoid) {
                    return port;
                }
            }
        }
        throw new IOException("the system offered only port " + avoid + ", which is taken already, on " + host);
    }

    /**
     * Returns whether something accepts a TCP connection on a port within 200 ms: a cheap probe before a real
     * client, whose attempts on a closed port cost exceptions or log warnings.
     *
     * @param host the address
     * @param port the port
     * @return true when a connection could be opened (it is closed again at once)
     */
    public static boolean acceptsConnections(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
