package io.cellwatch.core.alert;

/** What the rig is asked to do when an alert is raised; the code travels in COMMAND frames. */
public enum StopAction {
    /** Stop now (stop charging, stop the press). */
    STOP(1),
    /** End the test: its end criterion is met. */
    END(2),
    /** Tell the operator; nothing to do on the rig. */
    NOTIFY(3);

    private final int code;

    StopAction(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The action for a wire code, or null if unknown. */
    public static StopAction ofCode(final int code) {
        for (StopAction a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }
}
