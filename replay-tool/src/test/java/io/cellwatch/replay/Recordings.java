package io.cellwatch.replay;

import java.nio.file.Path;

/** The real cycler recordings of {@code testdata/recordings/} (see SOURCES.md there), for the tests. */
public final class Recordings {
    public static final String ARBIN = "2017-05-09_test-TC-contact_CH33.csv";
    public static final String MACCOR = "xTESLADIAG_000038con.078";
    public static final String BIOLOGIC = "test_loopsnewoutput_MB_CE1_short10k.csv";
    public static final String NEWARE = "nw_regular_export_ife_example.csv";
    public static final String NOVONIX = "sample_data_novonix.csv";

    private Recordings() {
    }

    /** A recording, seen from the module's directory (where Maven runs the tests). */
    public static Path file(final String name) {
        return Path.of("..", "testdata", "recordings", name);
    }
}
