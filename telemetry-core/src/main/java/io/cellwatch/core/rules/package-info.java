/** Stop-condition rules as small allocation-free state machines, shared by the live job and offline evaluation. */
package io.cellwatch.core.rules;
