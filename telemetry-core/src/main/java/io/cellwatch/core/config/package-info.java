/** Layered settings (defaults < file < environment < command line) with typed getters that name the bad key and value. */
package io.cellwatch.core.config;
