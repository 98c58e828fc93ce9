package dev.octet.runtime.model;

/**
 * Two's-complement int4 values packed two per byte over the whole flattened tensor, element {@code 2i} in the
 * low nibble of byte {@code i} and element {@code 2i+1} in its high nibble (TFLite's int4 packing). An odd count
 * leaves the last high nibble 0.
 */
public final class Int4Packing {
    private Int4Packing() {
    }

    /** Packs values in [-8, 7]. */
    public static byte[] pack(int[] values) {
        byte[] out = new byte[(values.length + 1) / 2];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < -8 || v > 7) {
                throw new IllegalArgumentException("value " + i + " is " + v + ", outside int4 [-8, 7]");
            }
            out[i >> 1] |= (byte) ((v & 0xF) << ((i & 1) << 2));
        }
        return out;
    }

    /** Element {@code index} of the packed tensor starting at {@code offset} in {@code bytes}, sign-extended. */
    public static int get(byte[] bytes, int offset, int index) {
        int b = bytes[offset + (index >> 1)] >> ((index & 1) << 2);
        // Shift the nibble to the top of an int and back down to sign-extend it.
        return (b << 28) >> 28;
    }
}
