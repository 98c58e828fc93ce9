package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.model.Int4FormatException;
import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.quant.ptq.GroupedInt4Weights;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reader accepts INT4 weights only in Octet's int4 variant, and refuses inconsistent ones with typed errors. */
class Int4ModelReaderTest {

    /** 3 units of 40 inputs in groups of 32: 2 groups per unit (the second of 8), 6 scales. */
    private static Int4TestModels.Spec spec() {
        Random rng = new Random(5);
        float[] w = new float[3 * 40];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        GroupedInt4Weights q = GroupedInt4Weights.quantize(w, new int[] {3, 40}, 32);
        return new Int4TestModels.Spec(new int[] {1, 40}, 0.02f, -3, q, new int[] {3, 40}, 32, new int[] {1, -2, 3},
                new int[] {1, 3}, 0.1f, 5);
    }

    private static Model read(byte[] bytes) {
        return ModelReader.withDefaults().read(bytes);
    }

    @Test
    void accepts_int4_weights_with_the_marker() {
        Model model = read(Int4TestModels.fullyConnected(spec()));
        assertEquals(32, model.int4Layout().orElseThrow().groupSize());
        TensorSpec w = model.mainSubgraph().tensor(1);
        assertEquals(TensorType.INT4, w.type());
        assertEquals(60, w.byteSize(), "120 int4 values in 60 bytes");
        assertEquals(60, w.data().length());
        assertTrue(w.quantization().isPerGroup());
        assertEquals(6, w.quantization().count());
        assertEquals(32, w.quantization().groupSize());
    }

    @Test
    void other_metadata_entries_are_passed_over() {
        assertEquals(32, read(Int4TestModels.withOtherMetadataFirst(spec())).int4Layout().orElseThrow().groupSize());
    }

    @Test
    void a_model_without_int4_has_no_layout() {
        byte[] bytes = dev.octet.runtime.TestModels.bytes("float/ad01_fc_autoencoder_fp32.tflite");
        assertTrue(read(bytes).int4Layout().isEmpty());
    }

    @Test
    void refuses_int4_weights_without_the_marker() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> read(Int4TestModels.fullyConnected(spec(), false)));
        assertTrue(e.getMessage().contains(Int4Layout.METADATA_NAME), e.getMessage());
    }

    @Test
    void refuses_a_group_count_that_does_not_match_the_shape() {
        // Per-channel scales (3) instead of 3 x ceil(40 / 32) = 6 group scales.
        Int4FormatException e = assertThrows(Int4FormatException.class,
                () -> read(Int4TestModels.withWeightScales(spec(), new float[] {0.1f, 0.2f, 0.3f})));
        assertTrue(e.getMessage().contains("3 group scales") && e.getMessage().contains("3 x 2 = 6"), e.getMessage());
        assertThrows(Int4FormatException.class,
                () -> read(Int4TestModels.withWeightScales(spec(), new float[] {1, 1, 1, 1, 1, 0})),
                "a zero group scale");
        Int4FormatException ratio = assertThrows(Int4FormatException.class,
                () -> read(Int4TestModels.withWeightScales(spec(), new float[] {1, 1, 1, 1, 1, 0.3f})));
        assertTrue(ratio.getMessage().contains("not k/255"), ratio.getMessage());
    }

    @Test
    void refuses_bad_markers() {
        String ok = "packing=low-nibble-first\nlayout=channel-major-groups\ngroup_scales=channel-ratio-255\n";
        for (String text : new String[] {"", "group_size=0\n" + ok, "group_size=x\n" + ok, ok,
                "group_size=32\n" + ok.replace("low-nibble", "high-nibble"),
                "group_size=32\n" + ok.replace("channel-major", "row-major"),
                "group_size=32\n" + ok.replace("channel-ratio-255", "float"),
                "group_size=32\n" + ok + "extra=1", "group_size=32\ngroup_size=32\n" + ok,
                "group_size=32\n" + ok.replace("layout=", "layout")}) {
            assertThrows(Int4FormatException.class,
                    () -> read(Int4TestModels.withMetadata(spec(), text.getBytes(StandardCharsets.UTF_8))), text);
        }
        assertEquals(new Int4Layout(32), Int4Layout.parse(("group_size=32\n" + ok).getBytes(StandardCharsets.UTF_8)));
        // Another group size than the scales were made for: 40 in groups of 16 needs 3 x 3 scales.
        assertThrows(Int4FormatException.class,
                () -> read(Int4TestModels.withMetadata(spec(), new Int4Layout(16).encode())));
    }

    @Test
    void layout_round_trips_through_its_text() {
        assertEquals(new Int4Layout(7), Int4Layout.parse(new Int4Layout(7).encode()));
        assertEquals(2, new Int4Layout(32).groupsPerChannel(40));
        assertEquals(1, new Int4Layout(32).groupsPerChannel(32));
    }
}
