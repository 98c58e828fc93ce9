package dev.octet.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.kernels.optimized.OptimizedKernels;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimized kernels (plain Java, and Vector API when the module is present, which it is under Maven's
 * surefire) give exactly the reference kernels' bytes on every int8 model shipped in {@code models/}: every
 * tensor of the graph, not just the output, on the models' own test inputs and on seeded random inputs, under
 * both reference semantics.
 */
class OptimizedModelsEquivalenceTest {
    private static final String[] MODELS = {"kws01_dscnn_int8.tflite", "vww01_mobilenetv1_0.25_96_int8.tflite",
            "ic01_resnet8_cifar10_int8.tflite", "ad01_fc_autoencoder_int8.tflite",
            "extra/ic02_resnet8_large_int8.tflite", "extra/sww01_streaming_wakeword_int8.tflite",
            "extra/ad01_toycar_float_io.tflite"};

    /** The models' own test vectors: file and the value to add to each byte (u8 images become int8). */
    private static byte[] sampleInputs(String model) {
        return switch (model) {
            case "kws01_dscnn_int8.tflite" -> TestModels.bytes("testdata/kws01_sample0_int8_49x10.bin");
            case "vww01_mobilenetv1_0.25_96_int8.tflite" ->
                    shifted(TestModels.bytes("testdata/vww01_2gray_images_u8_hwc_96x96x3.bin"));
            case "ic01_resnet8_cifar10_int8.tflite", "extra/ic02_resnet8_large_int8.tflite" ->
                    shifted(TestModels.bytes("testdata/ic01_9images_u8_hwc_32x32x3.bin"));
            case "ad01_fc_autoencoder_int8.tflite" ->
                    TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin");
            default -> new byte[0];
        };
    }

    private static byte[] shifted(byte[] u8) {
        byte[] out = new byte[u8.length];
        for (int i = 0; i < u8.length; i++) {
            out[i] = (byte) (u8[i] - 128);
        }
        return out;
    }

    static Stream<Arguments> cases() {
        List<KernelSelection> selections = new ArrayList<>(List.of(KernelSelection.SCALAR));
        if (OptimizedKernels.vectorAvailable()) {
            selections.add(KernelSelection.VECTOR);
        }
        List<Arguments> cases = new ArrayList<>();
        for (String model : MODELS) {
            for (KernelSelection selection : selections) {
                for (ReferenceSemantics semantics : ReferenceSemantics.values()) {
                    cases.add(Arguments.of(model, selection, semantics));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void every_tensor_matches_the_reference_kernels(String name, KernelSelection selection,
                                                    ReferenceSemantics semantics) throws IOException {
        Model model = ModelReader.withDefaults().read(TestModels.path(name));
        InterpreterOptions base = InterpreterOptions.defaults().withSemantics(semantics).withPreserveAllTensors(true);
        Interpreter reference = Interpreter.create(model, base.withRegistry(OpRegistry.reference()));
        Interpreter optimized = Interpreter.create(model, base.withRegistry(OpRegistry.forKernels(selection)));

        Tensor in = reference.input(0);
        int inBytes = in.byteLength();
        byte[] samples = sampleInputs(name);
        // At most 20 of the model's own inputs (AD has 196 windows), then 5 seeded random ones.
        int sampleCount = Math.min(20, samples.length / inBytes);
        Random random = new Random(42);
        int compared = 0;
        for (int i = 0; i < sampleCount + 5; i++) {
            byte[] input = new byte[inBytes];
            if (i < sampleCount) {
                System.arraycopy(samples, i * inBytes, input, 0, inBytes);
            } else {
                randomInput(in, random, input);
            }
            reference.input(0).copyFrom(input);
            optimized.input(0).copyFrom(input);
            reference.invoke();
            optimized.invoke();
            for (int t = 0; t < reference.tensorCount(); t++) {
                Tensor r = reference.tensor(t);
                if (r.isConstant()) {
                    continue;
                }
                assertArrayEquals(r.toByteArray(), optimized.tensor(t).toByteArray(),
                        name + " input " + i + ": tensor " + t + " (" + r.name() + ") differs");
                compared++;
            }
        }
        assertTrue(compared > 0);
    }

    static Stream<Arguments> warmCases() {
        List<Arguments> cases = new ArrayList<>();
        for (String model : new String[] {MODELS[0], MODELS[1], MODELS[2], MODELS[3]}) {
            cases.add(Arguments.of(model, KernelSelection.SCALAR));
            if (OptimizedKernels.vectorAvailable()) {
                cases.add(Arguments.of(model, KernelSelection.VECTOR));
            }
        }
        return cases.stream();
    }

    /**
     * The comparisons above run mostly interpreted code (and, for the vector kernels, the Vector API's Java
     * fallback). Here the optimized interpreter first runs a few hundred invokes, so that C2 has compiled its
     * loops (with the vector intrinsics), and is then compared again.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("warmCases")
    void compiled_loops_still_match_the_reference_kernels(String name, KernelSelection selection) throws IOException {
        Model model = ModelReader.withDefaults().read(TestModels.path(name));
        InterpreterOptions base = InterpreterOptions.defaults().withPreserveAllTensors(true);
        Interpreter reference = Interpreter.create(model, base.withRegistry(OpRegistry.reference()));
        Interpreter optimized = Interpreter.create(model, base.withKernels(selection));
        Random random = new Random(7);
        byte[] input = new byte[optimized.input(0).byteLength()];
        for (int i = 0; i < 400; i++) {
            if (i % 50 == 0) {
                random.nextBytes(input);
                optimized.input(0).copyFrom(input);
            }
            optimized.invoke();
        }
        for (int i = 0; i < 3; i++) {
            random.nextBytes(input);
            reference.input(0).copyFrom(input);
            optimized.input(0).copyFrom(input);
            reference.invoke();
            optimized.invoke();
            for (int t = 0; t < reference.tensorCount(); t++) {
                if (!reference.tensor(t).isConstant()) {
                    assertArrayEquals(reference.tensor(t).toByteArray(), optimized.tensor(t).toByteArray(),
                            name + " " + selection + " after warm-up: tensor " + t + " differs");
                }
            }
        }
    }

    private static void randomInput(Tensor like, Random random, byte[] into) {
        if (like.type() == TensorType.FLOAT32) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(into).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < like.elementCount(); i++) {
                buffer.putFloat((float) (random.nextGaussian() * 20));
            }
        } else {
            random.nextBytes(into);
        }
    }

    @Test
    void the_optimized_registry_keeps_every_reference_operator() {
        assertEquals(OpRegistry.reference().supportedOperators(), OpRegistry.optimized().supportedOperators());
        assertEquals(OpRegistry.reference().supportedOperators(),
                OpRegistry.forKernels(KernelSelection.SCALAR).supportedOperators());
    }

    @Test
    void the_vector_kernels_are_available_under_the_test_configuration() {
        // Surefire runs with --add-modules jdk.incubator.vector; on 128-bit or wider hardware the vector path must load.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && Runtime.version().feature() >= 17) {
            String status = OptimizedKernels.vectorStatus();
            assertTrue(OptimizedKernels.vectorAvailable() || status.contains("128-bit"), status);
        }
    }
}
