package io.cellwatch.replay.imports;

import java.io.IOException;

/** Reads one cycler export format, line by line, into an {@link ImportSink}. */
public interface CyclerImporter {
    /**
     * Reads {@code in} to the end.
     *
     * @param facts filled with what the file says about the cell and the run, before the first sample
     * @throws ImportException the file is not in this format (no header, a required column missing), or the sink
     *                         refused a line ({@code --strict})
     */
    void read(TextInput in, ImportOptions options, FileFacts facts, ImportSink sink)
        throws IOException, ImportException;
}
