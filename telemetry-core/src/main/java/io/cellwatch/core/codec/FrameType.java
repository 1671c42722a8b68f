package io.cellwatch.core.codec;

/**
 * Frame type ids of the rig protocol. Ids are never reused; a new frame type takes the next free id.
 * Direction is part of the contract: a peer that receives a frame meant for the other side answers
 * {@link ErrorCode#UNEXPECTED_FRAME}.
 */
public final class FrameType {
    /** rig -> gateway: protocol version, rig id, auth token. */
    public static final int HELLO = 1;
    /** gateway -> rig: session accepted, heartbeat interval, frame size limit. */
    public static final int HELLO_OK = 2;
    /** rig -> gateway: declares a channel number on this connection with its cell metadata. */
    public static final int CHANNEL = 3;
    /** rig -> gateway: a batch of samples of one channel. */
    public static final int SAMPLES = 4;
    /** rig -> gateway: a phase marker (press started, short applied, ...) on one channel. */
    public static final int MARK = 5;
    /** gateway -> rig: every data frame up to this sequence number is durably in Kafka. */
    public static final int ACK = 6;
    /** gateway -> rig: stop / end / notify a channel because of an alert. */
    public static final int COMMAND = 7;
    /** rig -> gateway: the rig carried out (or at least received) a COMMAND. */
    public static final int COMMAND_ACK = 8;
    /** both ways: liveness. */
    public static final int HEARTBEAT = 9;
    /** both ways: an error code and text; the sender closes the connection after it. */
    public static final int ERROR = 10;

    /** Highest id known to this version of the codec. */
    public static final int MAX_KNOWN = ERROR;

    private FrameType() {
    }

    /** True for frame types this codec version knows. */
    public static boolean isKnown(final int type) {
        return type >= HELLO && type <= MAX_KNOWN;
    }

    /** True for frames that carry data to Kafka and are therefore sequenced and acknowledged. */
    public static boolean isSequenced(final int type) {
        return type == CHANNEL || type == SAMPLES || type == MARK;
    }

    /** Human-readable name, for logs and error texts. */
    public static String name(final int type) {
        switch (type) {
            case HELLO: return "HELLO";
            case HELLO_OK: return "HELLO_OK";
            case CHANNEL: return "CHANNEL";
            case SAMPLES: return "SAMPLES";
            case MARK: return "MARK";
            case ACK: return "ACK";
            case COMMAND: return "COMMAND";
            case COMMAND_ACK: return "COMMAND_ACK";
            case HEARTBEAT: return "HEARTBEAT";
            case ERROR: return "ERROR";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
