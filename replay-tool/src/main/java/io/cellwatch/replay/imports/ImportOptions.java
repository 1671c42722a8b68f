package io.cellwatch.replay.imports;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the importers read a file (not what the run file declares: that is the command's business).
 *
 * @param file          the file being imported (to find side files such as Arbin's {@code _Metadata.csv}); may be null
 * @param zone          zone of dates written without one
 * @param dateFormat    the form of date cells, or null to recognise the common ones
 * @param mapping       generic CSV: which column holds what; null for the tool's own CSV columns
 * @param timeUnit      generic CSV: how numeric time cells are read; null for the header's unit, else seconds
 * @param currentScale  multiplies every current after the format's own unit conversion; null = 1 (generic CSV: null
 *                      = the unit in the header, e.g. mA)
 * @param voltageScale  the same for voltages
 * @param separator     generic CSV: the cell separator, or null to guess it from the header line
 * @param decimalComma  generic CSV: ',' is the decimal separator
 * @param headerLine    generic CSV: the header's 1-based line, or 0 to find it
 */
public record ImportOptions(Path file, ZoneId zone, DateTimeFormatter dateFormat, ColumnMapping mapping,
                            TimeUnitSpec timeUnit, Double currentScale, Double voltageScale, Character separator,
                            boolean decimalComma, int headerLine) {

    /** Defaults: UTC, known date forms, scales from the format. */
    public static ImportOptions defaults(final Path file) {
        return new ImportOptions(file, ZoneOffset.UTC, null, null, null, null, null, null, false, 0);
    }

    /** The zone for messages: {@code UTC} rather than {@code Z}. */
    String zoneName() {
        return ZoneOffset.UTC.equals(zone) ? "UTC" : zone.getId();
    }

    double currentFactor() {
        return currentScale == null ? 1.0 : currentScale;
    }

    double voltageFactor() {
        return voltageScale == null ? 1.0 : voltageScale;
    }
}
