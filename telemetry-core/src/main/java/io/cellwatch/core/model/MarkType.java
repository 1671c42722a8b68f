package io.cellwatch.core.model;

/** Phase marker types a rig sends in MARK frames. Codes are never reused; unknown codes are stored and ignored by rules. */
public final class MarkType {
    /** The test run started (resets every rule's reference). */
    public static final int RUN_START = 1;
    /** The press jig started moving (forced internal short): the drop rule's baseline is taken here. */
    public static final int PRESS_START = 2;
    /** The external short was applied: the temperature-return rule starts tracking its peak here. */
    public static final int SHORT_APPLIED = 3;
    /** The current stopped (e.g. a pack's protection element tripped). */
    public static final int CURRENT_STOPPED = 4;
    /** The test ended. */
    public static final int TEST_END = 5;

    private MarkType() {
    }

    /** Name for logs and alerts. */
    public static String name(final int type) {
        switch (type) {
            case RUN_START: return "RUN_START";
            case PRESS_START: return "PRESS_START";
            case SHORT_APPLIED: return "SHORT_APPLIED";
            case CURRENT_STOPPED: return "CURRENT_STOPPED";
            case TEST_END: return "TEST_END";
            default: return "MARK_" + type;
        }
    }
}
