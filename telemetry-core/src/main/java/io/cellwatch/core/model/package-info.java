/** The telemetry model: channel declarations, cell forms and phase markers. */
package io.cellwatch.core.model;
