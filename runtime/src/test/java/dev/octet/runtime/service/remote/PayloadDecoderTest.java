package dev.octet.runtime.service.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PayloadDecoderTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String refused(PayloadFormat f, int channels, byte[] payload) {
        return assertThrows(PayloadFormatException.class, () -> new PayloadDecoder(f, channels).decode(payload))
                .getMessage();
    }

    @Test
    void json_one_sample_with_time_and_sequence() throws Exception {
        List<NodeMessage> m = new PayloadDecoder(PayloadFormat.JSON, 3)
                .decode(utf8("{\"t\": 1767780000123, \"seq\": 7, \"values\": [1.5, -2, 3e-3]}"));
        assertEquals(1, m.size());
        assertEquals(7L, m.get(0).seq());
        assertEquals(1767780000123L, m.get(0).epochMillis());
        assertArrayEquals(new float[] {1.5f, -2f, 3e-3f}, m.get(0).samples().get(0));
    }

    @Test
    void json_several_samples_and_arrays_of_messages_or_of_samples() throws Exception {
        PayloadDecoder d = new PayloadDecoder(PayloadFormat.JSON, 2);
        NodeMessage batch = d.decode(utf8("{\"seq\": 1, \"samples\": [[1, 2], [3, 4], [5, 6]]}")).get(0);
        assertEquals(3, batch.samples().size());
        assertNull(batch.epochMillis());
        assertArrayEquals(new float[] {5, 6}, batch.samples().get(2));

        List<NodeMessage> messages = d.decode(utf8("[{\"seq\": 1, \"values\": [1, 2]}, {\"seq\": 2, \"values\": [3, 4]}]"));
        assertEquals(2, messages.size());
        assertEquals(2L, messages.get(1).seq());

        NodeMessage plain = d.decode(utf8("[[1, 2], [3, 4]]")).get(0);
        assertNull(plain.seq());
        assertEquals(2, plain.samples().size());
    }

    @Test
    void json_mistakes_are_named() {
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, ")).startsWith("malformed JSON"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, 2, 3]}"))
                .contains("$.values: 3 values, the stream has 2 channels"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"value\": [1, 2]}")).contains("$.value: unknown key"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, \"2\"]}")).contains("$.values[1]"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"seq\": -1, \"values\": [1, 2]}")).contains("$.seq"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"t\": 1.5, \"values\": [1, 2]}")).contains("$.t"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, 2], \"samples\": [[1, 2]]}"))
                .contains("exactly one"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, 1e300]}")).contains("float32 range"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("[{\"values\": [1, 2]}, [1, 2]]")).contains("$[1]"));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("42")).contains("expected an object"));
        assertTrue(refused(PayloadFormat.JSON, 2, new byte[0]).contains("empty"));
    }

    @Test
    void json_is_read_strictly_with_the_position_of_the_mistake() {
        assertEquals("malformed JSON: line 1, column 20: duplicate member name \"values\"",
                refused(PayloadFormat.JSON, 2, utf8("{\"values\": [1, 2], \"values\": [3, 4]}")),
                "a key twice must not silently keep one of the two");
        assertEquals("malformed JSON: line 2, column 16: unexpected 'N', expected a value",
                refused(PayloadFormat.JSON, 2, utf8("{\"t\": 5,\n \"values\": [1, NaN]}")));
        assertTrue(refused(PayloadFormat.JSON, 2, utf8("[".repeat(100_000))).contains("nested more than 256"));
        assertTrue(refused(PayloadFormat.JSON, 2, new byte[] {'[', (byte) 0xFF, ']'})
                .contains("malformed UTF-8 at byte 1"));
    }

    @Test
    void csv_one_sample_per_line() throws Exception {
        NodeMessage m = new PayloadDecoder(PayloadFormat.CSV, 3).decode(utf8("1, 2, 3\r\n\n4,5.5,-6e1\n")).get(0);
        assertEquals(2, m.samples().size());
        assertArrayEquals(new float[] {4, 5.5f, -60}, m.samples().get(1));
        assertTrue(refused(PayloadFormat.CSV, 3, utf8("1,2,3\n1,2\n")).contains("line 2: 2 values"));
        assertTrue(refused(PayloadFormat.CSV, 3, utf8("1,x,3")).contains("line 1, value 2: 'x' is not a number"));
        assertTrue(refused(PayloadFormat.CSV, 1, utf8("NaN")).contains("not a finite"));
        assertTrue(refused(PayloadFormat.CSV, 1, utf8("\n\n")).contains("no samples"));
        assertTrue(refused(PayloadFormat.CSV, 1, new byte[] {(byte) 0xC3, 0x28}).contains("UTF-8"));
    }

    @Test
    void csv_leading_time_and_sequence_columns_make_every_line_a_message() throws Exception {
        PayloadDecoder d = new PayloadDecoder(PayloadFormat.CSV, 2, List.of("t", "seq"));
        List<NodeMessage> m = d.decode(utf8("1767780000123,17,1.5,-2\r\n\n1767780000133, 18, 3, 4\n"));
        assertEquals(2, m.size());
        assertEquals(1767780000123L, m.get(0).epochMillis());
        assertEquals(17L, m.get(0).seq());
        assertArrayEquals(new float[] {1.5f, -2f}, m.get(0).samples().get(0));
        assertEquals(18L, m.get(1).seq());
        assertArrayEquals(new float[] {3, 4}, m.get(1).samples().get(0));

        NodeMessage seqOnly = new PayloadDecoder(PayloadFormat.CSV, 1, List.of("seq")).decode(utf8("5,0.25")).get(0);
        assertEquals(5L, seqOnly.seq());
        assertNull(seqOnly.epochMillis());
        NodeMessage swapped = new PayloadDecoder(PayloadFormat.CSV, 1, List.of("seq", "t")).decode(utf8("5,99,1"))
                .get(0);
        assertEquals(5L, swapped.seq());
        assertEquals(99L, swapped.epochMillis());

        String two = "t, seq";
        assertTrue(csvRefused(d, "1,2,3\n").contains("line 1: 1 values after the leading " + two
                + ", the stream has 2 channels"));
        assertTrue(csvRefused(d, "1,2,3,4\n1.5,3,3,4").contains("line 2, t: expected a non-negative integer"));
        assertTrue(csvRefused(d, "1,-3,3,4").contains("line 1, seq: expected a non-negative integer, got '-3'"));
        assertTrue(csvRefused(d, "1,99999999999999999999,3,4").contains("line 1, seq"));
        assertTrue(csvRefused(d, "1,2,3,x").contains("line 1, value 2: 'x' is not a number"));
        assertThrows(IllegalArgumentException.class, () -> new PayloadDecoder(PayloadFormat.CSV, 1, List.of("time")));
        assertThrows(IllegalArgumentException.class,
                () -> new PayloadDecoder(PayloadFormat.CSV, 1, List.of("seq", "seq")));
    }

    private static String csvRefused(PayloadDecoder d, String text) {
        return assertThrows(PayloadFormatException.class, () -> d.decode(utf8(text))).getMessage();
    }

    @Test
    void f32le_frames_round_trip_bit_for_bit() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        float[] values = new float[4 * 5];
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
            b.putFloat(values[i]);
        }
        NodeMessage m = new PayloadDecoder(PayloadFormat.F32LE, 4).decode(b.array()).get(0);
        assertEquals(5, m.samples().size());
        for (int s = 0; s < 5; s++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(Float.floatToRawIntBits(values[s * 4 + c]),
                        Float.floatToRawIntBits(m.samples().get(s)[c]));
            }
        }
        assertTrue(refused(PayloadFormat.F32LE, 4, new byte[20]).contains("20 bytes is not a whole number"));
        byte[] nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        assertTrue(refused(PayloadFormat.F32LE, 1, nan).contains("sample 0, channel 0"));
        assertTrue(refused(PayloadFormat.F32LE, 1, new byte[PayloadDecoder.MAX_PAYLOAD_BYTES + 4])
                .contains("more than"));
    }
}
