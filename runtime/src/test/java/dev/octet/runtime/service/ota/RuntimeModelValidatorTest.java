package dev.octet.runtime.service.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ota.agent.ModelValidator.InvalidModelException;
import dev.octet.ota.pkg.Manifest;
import dev.octet.ota.pkg.TensorContract;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.ModelHandle;
import dev.octet.runtime.pipeline.ModelRunner;
import dev.octet.runtime.quant.ptq.TfliteModelWriter;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.OperatorDef;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.TensorDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Every refusal of the runtime's pre-activation checks, with its own reason, and the two kinds of dry run. */
class RuntimeModelValidatorTest {
    private static final int[] AD_SHAPE = {1, 640};

    private static byte[] ad01() throws Exception {
        return Bundled.read("bundled:ad01");
    }

    /** A stream running ad01, with {@code recorded} windows of the bundled spectrogram recorded. */
    private static RuntimeModelValidator.Target stream(int recorded) throws Exception {
        Model running = ModelReader.withDefaults().read(ad01());
        ModelRunner runner = new ModelRunner(new ModelHandle("ad01", "1", Interpreter.create(running)), 640);
        WindowRecorder recorder = new WindowRecorder(8, 640);
        float[] frames = new float[200 * 128];
        ByteBuffer.wrap(Bundled.read("bundled:ad01_spectrogram")).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(frames);
        for (int w = 0; w < recorded; w++) {
            recorder.record(Arrays.copyOfRange(frames, w * 128, w * 128 + 640));
        }
        return new RuntimeModelValidator.Target("toycar", runner, recorder);
    }

    private static RuntimeModelValidator validator(RuntimeModelValidator.Target t, Double budgetMs) {
        return new RuntimeModelValidator("ad01", InterpreterOptions::defaults, () -> List.of(t), budgetMs, 4, 7);
    }

    private static Manifest manifest(List<TensorContract> inputs, List<TensorContract> outputs) {
        return new Manifest("ad01", 2, List.of("*"), "k1", Manifest.PayloadKind.FULL, "none", 1, new byte[32], 1, 1,
                new byte[32], OptionalLong.empty(), Optional.empty(), Instant.parse("2026-11-23T10:00:00Z"), "0.1.0",
                inputs, outputs);
    }

    private static Manifest plain() {
        return manifest(List.of(), List.of());
    }

    private static String reason(RuntimeModelValidator v, Manifest m, byte[] model) {
        return assertThrows(InvalidModelException.class, () -> v.validate(m, model)).reason();
    }

    private static TensorDef int8(String name, int[] shape, float scale, int zp) {
        return new TensorDef(name, TensorType.INT8, shape, Quantization.perTensor(scale, zp), null);
    }

    /** One operator from the model's input (tensor 0) to its output (the last tensor). */
    private static byte[] oneOp(BuiltinOperator op, BuiltinOptions options, TensorDef... tensors) {
        int[] inputs = new int[tensors.length - 1];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = i;
        }
        return TfliteModelWriter.write("test", "main", List.of(tensors),
                List.of(new OperatorDef(op, 1, inputs, new int[] {tensors.length - 1}, options)), new int[] {0},
                new int[] {tensors.length - 1});
    }

    @Test
    void accepts_a_new_version_after_a_dry_run_on_recorded_windows() throws Exception {
        RuntimeModelValidator v = validator(stream(8), 10_000.0);
        v.validate(plain(), ad01());
        assertTrue(v.lastReport().startsWith("stream toycar: 8 recorded windows; median invoke "), v.lastReport());
    }

    @Test
    void falls_back_to_seeded_synthetic_windows_and_says_so() throws Exception {
        RuntimeModelValidator v = validator(stream(0), null);
        v.validate(plain(), ad01());
        assertTrue(v.lastReport().contains("4 synthetic (seeded) windows, none recorded yet"), v.lastReport());
    }

    @Test
    void bytes_the_reader_refuses_are_malformed() throws Exception {
        byte[] cut = Arrays.copyOf(ad01(), 5000);
        assertEquals("model-malformed", reason(validator(stream(1), null), plain(), cut));
    }

    @Test
    void an_operator_without_kernel_is_unsupported() throws Exception {
        byte[] exp = oneOp(BuiltinOperator.EXP, null, int8("in", AD_SHAPE, 0.5f, 0), int8("out", AD_SHAPE, 0.5f, 0));
        assertEquals("unsupported-operator", reason(validator(stream(1), null), plain(), exp));
    }

    @Test
    void a_manifest_contract_the_model_does_not_have_is_refused() throws Exception {
        Manifest lying = manifest(List.of(TensorContract.quantized("input_1", "int8", new int[] {1, 49, 10, 1},
                0.5, 83)), List.of());
        assertEquals("manifest-contract", reason(validator(stream(1), null), lying, ad01()));
    }

    @Test
    void a_model_for_another_input_is_refused_by_the_input_contract() throws Exception {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> validator(stream(1), null).validate(plain(), TestModels.bytes("kws01_dscnn_int8.tflite")));
        assertEquals("input-contract", e.reason());
        assertTrue(e.getMessage().contains("stream toycar gives 640 values"), e.getMessage());
    }

    @Test
    void an_output_the_postprocessing_cannot_take_is_refused_by_the_output_contract() throws Exception {
        byte[] mean = TfliteModelWriter.write("test", "main", List.of(int8("in", AD_SHAPE, 0.5f, 0),
                        new TensorDef("axis", TensorType.INT32, new int[] {1}, null, new byte[] {1, 0, 0, 0}),
                        int8("out", new int[] {1}, 0.5f, 0)),
                List.of(new OperatorDef(BuiltinOperator.MEAN, 1, new int[] {0, 1}, new int[] {2},
                        new BuiltinOptions.Reducer(false))), new int[] {0}, new int[] {2});
        assertEquals("output-contract", reason(validator(stream(1), null), plain(), mean));
    }

    @Test
    void an_input_quantization_that_clips_the_recorded_inputs_is_refused() throws Exception {
        byte[] narrow = TfliteModelWriter.write("test", "main", List.of(int8("in", AD_SHAPE, 0.001f, 0),
                        new TensorDef("shape", TensorType.INT32, new int[] {2}, null,
                                new byte[] {1, 0, 0, 0, (byte) 0x80, 2, 0, 0}),
                        int8("out", AD_SHAPE, 0.001f, 0)),
                List.of(new OperatorDef(BuiltinOperator.RESHAPE, 1, new int[] {0, 1}, new int[] {2},
                        new BuiltinOptions.Reshape(AD_SHAPE))), new int[] {0}, new int[] {2});
        assertEquals("input-quantization", reason(validator(stream(8), null), plain(), narrow));
        // With synthetic windows there is nothing real to compare: the same model passes.
        validator(stream(0), null).validate(plain(), narrow);
    }

    @Test
    void non_finite_dry_run_outputs_are_refused() throws Exception {
        byte[] huge = new byte[640 * 4];
        ByteBuffer b = ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 640; i++) {
            b.putFloat(3e38f);
        }
        byte[] overflow = TfliteModelWriter.write("test", "main", List.of(
                        new TensorDef("in", TensorType.FLOAT32, AD_SHAPE, null, null),
                        new TensorDef("k", TensorType.FLOAT32, AD_SHAPE, null, huge),
                        new TensorDef("out", TensorType.FLOAT32, AD_SHAPE, null, null)),
                List.of(new OperatorDef(BuiltinOperator.MUL, 1, new int[] {0, 1}, new int[] {2},
                        new BuiltinOptions.Mul(dev.octet.runtime.model.Activation.NONE))), new int[] {0},
                new int[] {2});
        assertEquals("dry-run-output", reason(validator(stream(8), null), plain(), overflow));
    }

    @Test
    void a_model_slower_than_its_budget_is_refused() throws Exception {
        // No invoke of a 264k-MAC model takes under a nanosecond: deterministic.
        assertEquals("latency-budget", reason(validator(stream(8), 1e-6), plain(), ad01()));
    }
}
