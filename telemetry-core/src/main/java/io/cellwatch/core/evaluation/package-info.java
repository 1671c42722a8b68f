/** Per-channel evaluation of every rule over decoded frames: the one code path shared by the live job and offline replays. */
package io.cellwatch.core.evaluation;
