/** Named, versioned test procedures: which rules a channel runs with which parameters, and their overrides. */
package io.cellwatch.core.procedure;
