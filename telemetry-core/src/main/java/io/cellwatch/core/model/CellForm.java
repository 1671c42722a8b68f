package io.cellwatch.core.model;

/** The form of the cell under test; some limits depend on it (e.g. the press force limit: 800 N cylindrical, 400 N prismatic). */
public enum CellForm {
    CYLINDRICAL(1),
    PRISMATIC(2),
    POUCH(3);

    private final int code;

    CellForm(final int code) {
        this.code = code;
    }

    /** Code on the wire. */
    public int code() {
        return code;
    }

    /** The form for a wire code, or null for an unknown code. */
    public static CellForm ofCode(final int code) {
        for (CellForm f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
