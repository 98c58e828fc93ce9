package dev.octet.runtime.service.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthWatchConfig;
import dev.octet.runtime.pipeline.postprocess.Outputs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The post-activation health watch: each failure kind, a pass, and windows of other versions ignored. */
class HealthWatchTest {
    private final List<String> failures = new ArrayList<>();
    private final List<Long> passes = new ArrayList<>();

    private HealthWatch watch(HealthWatchConfig c) {
        HealthWatch w = new HealthWatch(c, (v, reason) -> failures.add(v + " " + reason), passes::add);
        w.arm(2, "2");
        return w;
    }

    private static HealthWatchConfig config(int windows, int maxErrors, Double maxLatencyMs, int maxSlow,
                                            Double maxScore) {
        return new HealthWatchConfig(windows, maxErrors, maxLatencyMs, maxSlow, true, true, maxScore, 0);
    }

    private static InferenceResult result(String version, long micros, Double score) {
        Outputs outputs = score == null ? Outputs.NONE : new Outputs(null, null, score, false, null);
        return new InferenceResult("s", 0, 0, 0, 0, 0, "ad01", version, outputs, micros);
    }

    private static final float[] GOOD = {0.1f, 0.2f, 0.3f};

    @Test
    void passes_after_its_windows_and_ignores_other_versions() {
        HealthWatch w = watch(config(3, 0, 10.0, 0, null));
        w.ran(result("1", 999_000, null), new float[] {1, 1, 1}); // the previous model: not counted
        w.failed("1");
        for (int i = 0; i < 3; i++) {
            assertEquals(HealthWatch.Outcome.WATCHING, w.outcome());
            assertEquals(List.of(), passes, "no verdict before the last window");
            w.ran(result("2", 100, 1.0), GOOD);
        }
        assertEquals(HealthWatch.Outcome.PASSED, w.outcome());
        assertEquals(List.of(2L), passes, "the pass is reported once, with the version");
        w.failed("2"); // after the watch: nothing happens
        w.ran(result("2", 100, 1.0), GOOD);
        assertEquals(List.of(), failures);
        assertEquals(List.of(2L), passes);
    }

    @Test
    void too_many_errors_fail_it_once() {
        HealthWatch w = watch(config(10, 1, null, 0, null));
        w.failed("2");
        assertEquals(List.of(), failures);
        w.failed("2");
        w.failed("2");
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("2 health-errors: 2 of 2 windows failed"), failures.get(0));
        assertEquals(HealthWatch.Outcome.FAILED, w.outcome());
    }

    @Test
    void slow_windows_fail_it() {
        HealthWatch w = watch(config(10, 0, 5.0, 1, null));
        w.ran(result("2", 6_000, null), GOOD);
        w.ran(result("2", 4_000, null), GOOD);
        assertEquals(List.of(), failures);
        w.ran(result("2", 5_001, null), GOOD);
        assertTrue(failures.get(0).startsWith("2 health-latency: 2 of 3 windows"), failures.get(0));
    }

    @Test
    void implausible_outputs_fail_it() {
        watch(config(10, 0, null, 0, null)).ran(result("2", 1, null), new float[] {0.5f, 0.5f, 0.5f});
        watch(config(10, 0, null, 0, null)).ran(result("2", 1, null), new float[] {0.5f, Float.NaN, 0.1f});
        watch(config(10, 0, null, 0, 30.0)).ran(result("2", 1, 31.0), GOOD);
        assertEquals(3, failures.size());
        failures.forEach(f -> assertTrue(f.startsWith("2 health-outputs: 1 of 1 windows"), f));
    }

    @Test
    void a_single_output_that_never_changes_fails_at_the_end() {
        HealthWatch w = watch(config(3, 0, null, 0, null));
        w.ran(result("2", 1, null), new float[] {0.25f});
        w.ran(result("2", 1, null), new float[] {0.25f});
        assertEquals(List.of(), failures);
        w.ran(result("2", 1, null), new float[] {0.25f});
        assertTrue(failures.get(0).startsWith("2 health-outputs: the single output was 0.25 in all 3"));

        failures.clear();
        HealthWatch varied = watch(config(3, 0, null, 0, null));
        for (float v : new float[] {0.25f, 0.5f, 0.25f}) {
            varied.ran(result("2", 1, null), new float[] {v});
        }
        assertEquals(HealthWatch.Outcome.PASSED, varied.outcome());
    }

    @Test
    void a_disarmed_watch_counts_nothing() {
        HealthWatch w = watch(config(2, 0, null, 0, null));
        w.disarm();
        w.failed("2");
        assertEquals(HealthWatch.Outcome.IDLE, w.outcome());
        assertEquals(List.of(), failures);
    }
}
