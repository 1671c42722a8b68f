/** The entry point that runs inside the broker child JVM and stops the broker when its parent JVM is gone. */
package io.cellwatch.kafka.embedded.child;
