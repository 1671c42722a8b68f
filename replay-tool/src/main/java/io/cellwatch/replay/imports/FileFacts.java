package io.cellwatch.replay.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * What an importer learns about the file besides its samples: cell metadata and the run's start date when the file
 * has them, and how each column was read (for the summary). Filled before the first sample is handed on, except
 * {@link #afterwards}.
 */
public final class FileFacts {
    /** The cell serial the file names, or null. */
    String serial;
    String serialFrom;
    /** The rated capacity the file names (Ah), or null. */
    Double capacityAh;
    String capacityFrom;
    /** The rig time of elapsed time 0 (us since the epoch) when the file has a date for it, or null. */
    Long startMicros;
    String startFrom;
    /** How each quantity was read: one line each, e.g. {@code time: 'Test (Sec)', elapsed s}. */
    final List<String> columns = new ArrayList<>();
    /** What else the reader did, known only at the end (e.g. how many discharge rows were negated). */
    final List<String> afterwards = new ArrayList<>();
    /** Short description of the file for the import note, e.g. its title line. */
    final List<String> about = new ArrayList<>();

    public String serial() {
        return serial;
    }

    public String serialFrom() {
        return serialFrom;
    }

    public Double capacityAh() {
        return capacityAh;
    }

    public String capacityFrom() {
        return capacityFrom;
    }

    public Long startMicros() {
        return startMicros;
    }

    public String startFrom() {
        return startFrom;
    }

    public List<String> columns() {
        return columns;
    }

    public List<String> afterwards() {
        return afterwards;
    }

    public List<String> about() {
        return about;
    }

    void start(final long micros, final String from) {
        if (startMicros == null) {
            startMicros = micros;
            startFrom = from;
        }
    }
}
