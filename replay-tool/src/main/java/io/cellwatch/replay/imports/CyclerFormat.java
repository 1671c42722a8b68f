package io.cellwatch.replay.imports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The formats {@code import} reads, and the recognition of a file's format from its first lines. */
public enum CyclerFormat {
    ARBIN("arbin", ArbinImporter::new),
    MACCOR("maccor", MaccorImporter::new),
    BIOLOGIC("biologic", BiologicImporter::new),
    NEWARE("neware", NewareImporter::new),
    NOVONIX("novonix", NovonixImporter::new),
    CSV("csv", GenericCsvImporter::new);

    private static final int SNIFF_LINES = 60;

    private final String label;
    private final Supplier<CyclerImporter> factory;

    CyclerFormat(final String label, final Supplier<CyclerImporter> factory) {
        this.label = label;
        this.factory = factory;
    }

    /** The name used with {@code --format}. */
    public String label() {
        return label;
    }

    public CyclerImporter importer() {
        return factory.get();
    }

    /** The format of a {@code --format} value, or null. */
    public static CyclerFormat parse(final String text) {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        for (CyclerFormat f : values()) {
            if (f.label.equals(t)) {
                return f;
            }
        }
        return "ec-lab".equals(t) || "eclab".equals(t) ? BIOLOGIC : null;
    }

    /** Every {@code --format} name, for messages. */
    public static String labels() {
        final StringBuilder sb = new StringBuilder();
        for (CyclerFormat f : values()) {
            sb.append(sb.length() == 0 ? "" : "|").append(f.label);
        }
        return sb.toString();
    }

    /** Recognises the format of {@code file} from its first lines; null when none fits. */
    public static CyclerFormat detect(final Path file) throws IOException {
        final List<String> lines = new ArrayList<>();
        try (TextInput in = TextInput.open(file)) {
            String line;
            while (lines.size() < SNIFF_LINES && (line = in.next()) != null) {
                lines.add(line);
            }
        }
        return detect(lines);
    }

    /** Recognises a format from the first lines of a file; null when none fits. */
    static CyclerFormat detect(final List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        final String first = lines.get(0).strip();
        if (first.startsWith("EC-Lab ASCII FILE")) {
            return BIOLOGIC;
        }
        if ("[Summary]".equalsIgnoreCase(first) && lines.stream().anyMatch(l -> l.contains("Novonix"))) {
            return NOVONIX;
        }
        for (String line : lines) {
            final List<String> cells = new ArrayList<>();
            Cells.split(line, Cells.guessSeparator(line), cells);
            final Header h = new Header(cells, 0, "");
            if (h.find("Run Time (h)") >= 0 && h.find("Potential (V)") >= 0) {
                return NOVONIX;
            }
            if (h.find("time/s") >= 0 && h.find("Ecell/V", "Ewe/V", "<Ewe>/V") >= 0) {
                return BIOLOGIC;
            }
            if (h.find("Rec#") >= 0 && h.find("Volts", "Voltage") >= 0) {
                return MACCOR;
            }
            if (h.find("Voltage(V)", "Voltage(mV)") >= 0 && h.find("Total Time", "DataPoint") >= 0) {
                return NEWARE;
            }
            if (h.findStartingWith("Test_Time") >= 0 && h.find("Voltage", "Voltage(V)") >= 0) {
                return ARBIN;
            }
            if (h.find("time_s") >= 0 && h.find("voltage_v") >= 0) {
                return CSV;
            }
        }
        return null;
    }
}
