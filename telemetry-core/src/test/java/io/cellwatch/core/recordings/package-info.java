/**
 * Test-only readers for the five real cycler recordings in {@code testdata/recordings/} (Arbin CSV, Maccor text
 * export, BioLogic EC-Lab CSV, Neware nested export, Novonix UHPC CSV), a helper that replays a recording through
 * {@link io.cellwatch.core.evaluation.ChannelEvaluator} in SAMPLES frames, and the tests that check what the rules
 * report on that real data.
 *
 * <p>Every reader returns the same rows: time in microseconds since an epoch the reader documents, voltage in V,
 * current in A with + = charge (CellWatch's convention; each reader says what its vendor writes), cell temperature
 * in C or NaN. Lines that cannot be parsed are collected with their 1-based line number, never dropped silently.
 * Deliberately small: first-class importers belong to the replay tool.
 */
package io.cellwatch.core.recordings;
