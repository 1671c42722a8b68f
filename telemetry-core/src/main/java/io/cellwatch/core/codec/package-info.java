/** The rig protocol v1 wire codec: frame layout descriptors, allocation-free flyweights over Agrona buffers, validation with result codes. */
package io.cellwatch.core.codec;
