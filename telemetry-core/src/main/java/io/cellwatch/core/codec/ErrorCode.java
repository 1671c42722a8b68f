package io.cellwatch.core.codec;

/**
 * Stable error codes of the rig protocol, sent in ERROR frames and used as rejection reasons in metrics.
 * Codes are never renumbered or reused; see docs/protocol.md for the table.
 */
public enum ErrorCode {
    /** Not an error; the value validators return for a good frame. Never sent. */
    OK(0, "ok"),
    /** The frame length or the body layout is inconsistent (string overruns the frame, sample count does not match, ...). */
    MALFORMED_FRAME(1, "malformed frame"),
    /** The frame is longer than the negotiated maximum frame length. */
    FRAME_TOO_LARGE(2, "frame too large"),
    /** The frame type id is not known to this protocol version. */
    UNKNOWN_FRAME_TYPE(3, "unknown frame type"),
    /** The protocol or layout version is not supported. */
    UNSUPPORTED_VERSION(4, "unsupported version"),
    /** The rig id or token was refused. */
    AUTHENTICATION_FAILED(5, "authentication failed"),
    /** A frame other than HELLO arrived before the session was established. */
    HELLO_REQUIRED(6, "hello required"),
    /** SAMPLES or MARK name a channel number that no CHANNEL frame declared on this connection. */
    UNKNOWN_CHANNEL(7, "unknown channel"),
    /** A field holds a value outside its domain (empty channel id, unknown cell form, non-positive capacity, ...). */
    INVALID_VALUE(8, "invalid value"),
    /** The frame type is valid but not in this direction or state (e.g. a second HELLO, an ACK from a rig). */
    UNEXPECTED_FRAME(9, "unexpected frame"),
    /** The channel id is already owned by another live connection. */
    CHANNEL_CONFLICT(10, "channel owned by another connection"),
    /** The gateway cannot store data right now (Kafka unavailable, shutting down); resend after reconnecting. */
    UNAVAILABLE(11, "service unavailable"),
    /** A bug on the gateway side. */
    INTERNAL_ERROR(12, "internal error"),
    /** The channel id is outside the authenticated rig's namespace ({@code <rigId>/...}). */
    CHANNEL_NOT_PERMITTED(13, "channel not permitted for this rig"),
    /** A CHANNEL frame would declare more channel numbers on one connection than the gateway allows. */
    TOO_MANY_CHANNELS(14, "too many channels on this connection"),
    /** A sample or mark time lies further ahead of the gateway's clock than it accepts (a rig clock far off). */
    TIMESTAMP_IN_FUTURE(15, "timestamp too far in the future");

    private static final ErrorCode[] BY_CODE;

    static {
        int max = 0;
        for (ErrorCode c : values()) {
            max = Math.max(max, c.code);
        }
        BY_CODE = new ErrorCode[max + 1];
        for (ErrorCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;
    private final String description;

    ErrorCode(final int code, final String description) {
        this.code = code;
        this.description = description;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** A short description, for logs. */
    public String description() {
        return description;
    }

    /** Looks a wire code up; unknown codes (from a newer peer) map to {@code null}. */
    public static ErrorCode ofCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
