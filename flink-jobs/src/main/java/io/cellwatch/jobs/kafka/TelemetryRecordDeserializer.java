package io.cellwatch.jobs.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Samples-topic records to {@link TelemetryRecord}s. Does not validate: a bad record must reach the keyed
 * function's dead-letter output with its bytes, not fail the source. A record without a key gets the channel id
 * "" and is dead-lettered there.
 */
public final class TelemetryRecordDeserializer implements KafkaRecordDeserializationSchema<TelemetryRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(final ConsumerRecord<byte[], byte[]> record, final Collector<TelemetryRecord> out) {
        final String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        out.collect(new TelemetryRecord(key, record.value() == null ? new byte[0] : record.value(),
            record.partition(), record.offset()));
    }

    /**
     * Not {@code TypeInformation.of(TelemetryRecord.class)}: that is the PojoSerializer, and every record is
     * serialised once on its way from the source to the keyed operator (see benchmarks/README.md, RecordEdgeBenchmark).
     */
    @Override
    public TypeInformation<TelemetryRecord> getProducedType() {
        return TelemetryRecordTypeInfo.INSTANCE;
    }
}
