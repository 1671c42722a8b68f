/** Runs servers as child JVMs from classpath files written at build time, watches them start and stops them again. */
package io.cellwatch.process;
