package io.cellwatch.jobs.kafka;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for {@link TelemetryRecord} that hands out {@link TelemetryRecordSerializer} instead of
 * the PojoSerializer that {@code TypeInformation.of(TelemetryRecord.class)} would give. Not a key type: the job keys
 * by the channel id string, never by the whole record.
 */
public final class TelemetryRecordTypeInfo extends TypeInformation<TelemetryRecord> {
    private static final long serialVersionUID = 1L;

    public static final TelemetryRecordTypeInfo INSTANCE = new TelemetryRecordTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<TelemetryRecord> getTypeClass() {
        return TelemetryRecord.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<TelemetryRecord> createSerializer(final SerializerConfig config) {
        return TelemetryRecordSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "TelemetryRecordTypeInfo";
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof TelemetryRecordTypeInfo;
    }

    @Override
    public int hashCode() {
        return TelemetryRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(final Object other) {
        return other instanceof TelemetryRecordTypeInfo;
    }
}
