package io.cellwatch.core.evaluation;

import io.cellwatch.core.alert.Alert;

/** Receives the alerts a {@link ChannelEvaluator} raises (a Flink collector, a list in a replay). */
@FunctionalInterface
public interface AlertSink {
    void accept(Alert alert);
}
