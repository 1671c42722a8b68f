package io.cellwatch.core.rules;

/** What one sample did to a rule's episode. */
public enum Transition {
    /** Nothing changed. */
    NONE,
    /** The condition became true: raise one alert for this episode. */
    FIRED,
    /** The episode ended; the rule is armed again. */
    CLEARED
}
