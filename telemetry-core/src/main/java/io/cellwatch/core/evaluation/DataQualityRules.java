package io.cellwatch.core.evaluation;

/** Rule ids of the data-quality alerts. */
public final class DataQualityRules {
    /** A voltage that is NaN, infinite or outside the plausible range. */
    public static final String INVALID_VALUE = "data-quality/invalid-value";
    /** A sample older than the channel's newest one: the rig's clock jumped back. */
    public static final String TIME_BACKWARDS = "data-quality/time-backwards";
    /** No data from the channel for longer than its silence limit. */
    public static final String SILENT = "data-quality/silent";

    private DataQualityRules() {
    }
}
