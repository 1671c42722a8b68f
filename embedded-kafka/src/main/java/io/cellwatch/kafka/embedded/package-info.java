/** A real single-node KRaft Kafka broker run as a child JVM, plus topic creation that waits until produce is safe. */
package io.cellwatch.kafka.embedded;
