/** The Kafka record format of the samples topic: a small envelope (rig, receive time) around the rig's own frame. */
package io.cellwatch.core.record;
