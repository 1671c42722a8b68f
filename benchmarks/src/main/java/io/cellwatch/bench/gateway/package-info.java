/** The gateway's path from bytes read off a rig's socket to a Kafka record, beside a plain byte-buffer floor. */
package io.cellwatch.bench.gateway;
