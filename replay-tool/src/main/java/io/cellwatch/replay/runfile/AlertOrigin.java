package io.cellwatch.replay.runfile;

/** Where a set of alerts in a run file came from. Codes are stored in ALERT_SET records and never reused. */
public enum AlertOrigin {
    /** Raised by the live stop-condition job (copied from the alerts topic). */
    LIVE(1),
    /** Raised by an offline evaluation ({@code evaluate --write-alerts}). */
    EVALUATION(2);

    private final int code;

    AlertOrigin(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The origin of a code, or null when this version does not know it. */
    public static AlertOrigin ofCode(final int code) {
        for (AlertOrigin o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        return null;
    }
}
