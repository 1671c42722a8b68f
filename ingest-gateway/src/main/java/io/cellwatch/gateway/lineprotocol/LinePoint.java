package io.cellwatch.gateway.lineprotocol;

import java.util.Map;

/**
 * One parsed line: {@code measurement,tag=v,... field=v,... timestamp}.
 *
 * @param line            1-based line number in the request, for error messages
 * @param measurement     the measurement name
 * @param tags            tag keys to values
 * @param fields          numeric fields (integers, floats; booleans as 0/1; strings are not samples and rejected)
 * @param timestampMicros the timestamp converted to us since the epoch, or Long.MIN_VALUE when the line had none
 */
public record LinePoint(int line, String measurement, Map<String, String> tags, Map<String, Double> fields,
                        long timestampMicros) {
}
