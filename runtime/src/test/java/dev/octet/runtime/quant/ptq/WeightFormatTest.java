package dev.octet.runtime.quant.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --weights} values: int8, int4 (FC and conv), int4-all (depthwise too). */
class WeightFormatTest {
    @Test
    void parses_the_three_formats() {
        assertFalse(WeightFormat.parse("int8", 32).isInt4());
        WeightFormat int4 = WeightFormat.parse(" INT4 ", 16);
        assertTrue(int4.isInt4());
        assertFalse(int4.depthwise());
        assertEquals("int4-g16", int4.toString());
        WeightFormat all = WeightFormat.parse("int4-all", 32);
        assertTrue(all.depthwise());
        assertEquals("int4-g32-all", all.toString());
    }

    @Test
    void refuses_unknown_names_and_bad_group_sizes() {
        assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("int2", 32));
        assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("int4", 0));
        assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("int4-all", 70_000));
    }
}
