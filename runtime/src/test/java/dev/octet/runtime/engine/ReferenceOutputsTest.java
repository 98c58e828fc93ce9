package dev.octet.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The acceptance bar of the engine: every expected output in {@code models/testdata}, produced by TensorFlow Lite
 * Micro's reference kernels (and TFLite 2.21's for the AD variant), reproduced byte for byte.
 */
class ReferenceOutputsTest {

    private static Model model(String name) throws IOException {
        return ModelReader.withDefaults().read(TestModels.path(name));
    }

    /** Runs every input of a batch file through a fresh interpreter and returns the outputs back to back. */
    private static byte[] runBatch(Model model, InterpreterOptions options, byte[] inputs, int inputOffsetValue) {
        Interpreter interpreter = Interpreter.create(model, options);
        int inBytes = interpreter.input(0).byteLength();
        int outBytes = interpreter.output(0).byteLength();
        assertEquals(0, inputs.length % inBytes, "input file is not a whole number of inputs");
        int n = inputs.length / inBytes;
        byte[] outputs = new byte[n * outBytes];
        byte[] one = new byte[inBytes];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < inBytes; j++) {
                one[j] = (byte) (inputs[i * inBytes + j] + inputOffsetValue);
            }
            interpreter.input(0).copyFrom(one);
            interpreter.invoke();
            interpreter.output(0).copyTo(outputs, i * outBytes);
        }
        return outputs;
    }

    @Test
    void keyword_spotting_sample_matches_tflm() throws IOException {
        byte[] out = runBatch(model("kws01_dscnn_int8.tflite"), InterpreterOptions.defaults(),
                TestModels.bytes("testdata/kws01_sample0_int8_49x10.bin"), 0);
        assertArrayEquals(TestModels.bytes("testdata/kws01_sample0_expected_int8_12.bin"), out);
    }

    @Test
    void image_classification_nine_images_match_tflm() throws IOException {
        // The images are uint8 RGB; the model takes u8 - 128 as int8, which is the same byte plus 128 (mod 256).
        byte[] out = runBatch(model("ic01_resnet8_cifar10_int8.tflite"), InterpreterOptions.defaults(),
                TestModels.bytes("testdata/ic01_9images_u8_hwc_32x32x3.bin"), -128);
        assertArrayEquals(TestModels.bytes("testdata/ic01_9images_expected_int8_10.bin"), out);
    }

    @Test
    void visual_wake_words_two_images_match_tflm() throws IOException {
        byte[] out = runBatch(model("vww01_mobilenetv1_0.25_96_int8.tflite"), InterpreterOptions.defaults(),
                TestModels.bytes("testdata/vww01_2gray_images_u8_hwc_96x96x3.bin"), -128);
        assertArrayEquals(TestModels.bytes("testdata/vww01_2gray_images_expected_int8_2.bin"), out);
    }

    @Test
    void anomaly_detection_196_windows_match_tflm() throws IOException {
        byte[] out = runBatch(model("ad01_fc_autoencoder_int8.tflite"), InterpreterOptions.defaults(),
                TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin"), 0);
        assertArrayEquals(TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_expected_int8_640.bin"), out);
    }

    @Test
    void anomaly_detection_196_windows_match_tflite_with_single_rounding() throws IOException {
        byte[] out = runBatch(model("ad01_fc_autoencoder_int8.tflite"),
                InterpreterOptions.defaults().withSemantics(ReferenceSemantics.TFLITE),
                TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin"), 0);
        byte[] expected = TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_expected_tflite_int8_640.bin");
        assertArrayEquals(expected, out);
        // The two semantics really differ on this data (39,954 bytes per the test-data README).
        byte[] tflm = TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_expected_int8_640.bin");
        int differing = 0;
        for (int i = 0; i < tflm.length; i++) {
            differing += tflm[i] != out[i] ? 1 : 0;
        }
        assertEquals(39_954, differing);
    }

    @Test
    void keyword_spotting_every_operator_output_matches_the_reference() throws Exception {
        Model model = model("kws01_dscnn_int8.tflite");
        Interpreter interpreter = Interpreter.create(model, InterpreterOptions.defaults().withPreserveAllTensors(true));
        interpreter.input(0).copyFrom(TestModels.bytes("testdata/kws01_sample0_int8_49x10.bin"));
        interpreter.invoke();
        JsonValue index = Json.parse(
                java.nio.file.Files.readString(TestModels.path("testdata/kws01_sample0_per_op/index.json")));
        assertEquals(13, index.size());
        for (JsonValue op : index.asArray()) {
            int tensor = op.get("output_tensor").asInt();
            byte[] expected = TestModels.bytes("testdata/kws01_sample0_per_op/" + op.get("file").asText());
            byte[] actual = interpreter.tensor(tensor).toByteArray();
            assertArrayEquals(expected, actual, "operator " + op.get("op").asInt() + " " + op.get("op_name").asText());
        }
    }

    @Test
    void the_planned_arena_is_smaller_than_the_sum_of_activations() throws IOException {
        for (String name : new String[] {"kws01_dscnn_int8.tflite", "vww01_mobilenetv1_0.25_96_int8.tflite",
                "ic01_resnet8_cifar10_int8.tflite", "ad01_fc_autoencoder_int8.tflite"}) {
            Interpreter interpreter = Interpreter.create(model(name));
            assertTrue(interpreter.arenaBytes() < interpreter.naiveActivationBytes(),
                    name + ": arena " + interpreter.arenaBytes() + " vs naive " + interpreter.naiveActivationBytes());
        }
    }

    @Test
    void interpreters_sharing_one_model_give_identical_results() throws IOException {
        Model model = model("ic01_resnet8_cifar10_int8.tflite");
        byte[] images = TestModels.bytes("testdata/ic01_9images_u8_hwc_32x32x3.bin");
        byte[] a = runBatch(model, InterpreterOptions.defaults(), images, -128);
        byte[] b = runBatch(model, InterpreterOptions.defaults(), images, -128);
        assertArrayEquals(a, b);
        assertTrue(Arrays.equals(TestModels.bytes("testdata/ic01_9images_expected_int8_10.bin"), a));
    }
}
