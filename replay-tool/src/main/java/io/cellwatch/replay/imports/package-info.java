/** Importers that turn cycler exports (Arbin, Maccor, BioLogic, Neware, Novonix, any CSV) into run files. */
package io.cellwatch.replay.imports;
