package io.cellwatch.jobs.stop;

/**
 * Everything the job keeps per channel: the declared metadata and each rule's state. Small and bounded (no
 * per-sample history), read once and written once per record. A Flink POJO.
 */
public class ChannelState {
    /** Whether a CHANNEL record was seen; samples of an undeclared channel are evaluated with default limits. */
    public boolean declared;
    public String rigId;
    public String cellSerial;
    public String lot;
    public String procedureId;
    public int procedureVersion;
    public double upperChargeVoltageLimit;
    /** Highest rig sequence number applied; records at or below it are repeats (rig resends) and are skipped. */
    public long lastSequence = Long.MIN_VALUE;
    /** Upper charge voltage rule: an episode (and its alert) is active. */
    public boolean overVoltageActive;

    public ChannelState() {
    }
}
