package io.cellwatch.core.recordings;

/** The five recordings, read once per test JVM (the BioLogic file alone is 2.9 MB). */
final class RealRecordings {
    static final String ARBIN_FILE = "2017-05-09_test-TC-contact_CH33.csv";
    static final String MACCOR_FILE = "xTESLADIAG_000038con.078";
    static final String BIOLOGIC_FILE = "test_loopsnewoutput_MB_CE1_short10k.csv";
    static final String NEWARE_FILE = "nw_regular_export_ife_example.csv";
    static final String NOVONIX_FILE = "sample_data_novonix.csv";

    static final Recording ARBIN = ArbinCsvReader.read(Recording.file(ARBIN_FILE));
    static final Recording MACCOR = MaccorTextReader.read(Recording.file(MACCOR_FILE));
    static final Recording BIOLOGIC = BiologicCsvReader.read(Recording.file(BIOLOGIC_FILE));
    static final Recording NEWARE = NewareCsvReader.read(Recording.file(NEWARE_FILE));
    static final Recording NOVONIX = NovonixCsvReader.read(Recording.file(NOVONIX_FILE));

    private RealRecordings() {
    }
}
