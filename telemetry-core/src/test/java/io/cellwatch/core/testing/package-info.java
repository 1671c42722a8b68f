/** Test fixtures shared with other modules' tests through telemetry-core's test jar. */
package io.cellwatch.core.testing;
