package io.cellwatch.gateway.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LineProtocolParserTest {

    @Test
    void shouldParseTagsFieldsAndTimestampWhenTheLineIsComplete() throws Exception {
        final List<LinePoint> ps = LineProtocolParser.parse(
            "cell,channel=rigA/ch03,serial=SN1,lot=L7 voltage=4.12,current=1.0,temp=25.3,cycle=7i 1790000000123456789\n",
            "ns");
        assertEquals(1, ps.size());
        final LinePoint p = ps.get(0);
        assertEquals("cell", p.measurement());
        assertEquals(Map.of("channel", "rigA/ch03", "serial", "SN1", "lot", "L7"), p.tags());
        assertEquals(4.12, p.fields().get("voltage"));
        assertEquals(7.0, p.fields().get("cycle"));
        assertEquals(1_790_000_000_123_456L, p.timestampMicros(), "ns truncated to us");
    }

    @Test
    void shouldHonourThePrecisionWhenConvertingTimestamps() throws Exception {
        assertEquals(5_000_000L, LineProtocolParser.parse("m,channel=a v=1 5", "s").get(0).timestampMicros());
        assertEquals(5_000L, LineProtocolParser.parse("m,channel=a v=1 5", "ms").get(0).timestampMicros());
        assertEquals(5L, LineProtocolParser.parse("m,channel=a v=1 5", "us").get(0).timestampMicros());
        assertEquals(Long.MIN_VALUE, LineProtocolParser.parse("m,channel=a v=1", "s").get(0).timestampMicros());
        // the v1 API's short names
        assertEquals(5L, LineProtocolParser.parse("m,channel=a v=1 5999", "n").get(0).timestampMicros());
        assertEquals(5L, LineProtocolParser.parse("m,channel=a v=1 5", "u").get(0).timestampMicros());
    }

    @Test
    void shouldTakeNaNAndInfinityAsTheValuesTheyNameSoTheJobCanFlagThem() throws Exception {
        final LinePoint p = LineProtocolParser.parse("cell,channel=a voltage=NaN,current=Infinity,temp=-Infinity",
            "ns").get(0);
        assertTrue(Double.isNaN(p.fields().get("voltage")));
        assertEquals(Double.POSITIVE_INFINITY, p.fields().get("current"));
        assertEquals(Double.NEGATIVE_INFINITY, p.fields().get("temp"));
    }

    @Test
    void shouldUnescapeCommasSpacesAndEqualsInTagValues() throws Exception {
        final LinePoint p = LineProtocolParser.parse("cell,channel=rig\\ A/ch\\,1,lot=a\\=b voltage=3.9", "ns").get(0);
        assertEquals("rig A/ch,1", p.tags().get("channel"));
        assertEquals("a=b", p.tags().get("lot"));
    }

    @Test
    void shouldSkipCommentsAndBlankLinesAndCountLinesForErrors() throws Exception {
        final String body = "# header\n\ncell,channel=a voltage=4.0\r\ncell,channel=a voltage=oops\n";
        assertEquals(1, LineProtocolParser.parse("# x\n\ncell,channel=a voltage=4.0\r\n", "ns").size());
        final LineProtocolException e = assertThrows(LineProtocolException.class,
            () -> LineProtocolParser.parse(body, "ns"));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("voltage") && e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void shouldRefuseStringFieldsMissingFieldsBadTimestampsAndUnknownPrecision() {
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse("cell,channel=a note=\"hi\"", "ns"));
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse("cell,channel=a", "ns"));
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse("cell voltage=1 12x", "ns"));
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse("cell voltage=1 1", "h"));
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse("cell,channel voltage=1", "ns"));
        assertThrows(LineProtocolException.class, () -> LineProtocolParser.parse(",channel=a voltage=1", "ns"));
    }
}
