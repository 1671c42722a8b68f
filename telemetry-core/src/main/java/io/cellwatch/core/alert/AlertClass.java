package io.cellwatch.core.alert;

/** Why an alert matters: a safety limit (stop now), a procedure end criterion (the test is complete), or data quality. */
public enum AlertClass {
    SAFETY,
    PROCEDURE,
    DATA_QUALITY
}
