package io.cellwatch.replay;

/** The tool's exit codes, documented in docs/replay.md; scripts rely on them. */
public final class ExitCode {
    /** Done: every frame was acknowledged. */
    public static final int OK = 0;
    /** The gateway could not be reached, refused the rig, or the connection broke for good. */
    public static final int CONNECTION_FAILED = 1;
    /** Bad arguments or a bad input file; nothing was sent. */
    public static final int BAD_INPUT = 2;
    /** Everything was sent, but not every frame was acknowledged within the ack timeout. */
    public static final int NOT_ACKNOWLEDGED = 3;

    private ExitCode() {
    }
}
