/** A recorded test run held in memory (channel metadata plus column arrays of samples) and the readers that build one from files. */
package io.cellwatch.replay.run;
