package dev.octet.runtime.service.ota;

import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthWatchConfig;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * Watches a newly activated model version over its first {@link HealthWatchConfig#windows()} windows (all streams
 * that run it together) and decides: rolled back, or kept. Windows are matched by the version label in their
 * results, so windows still in flight on the previous model when the swap happened do not count.
 *
 * <p>Reasons given to the failure callback start with a code: {@code health-errors}, {@code health-latency},
 * {@code health-outputs}. Exactly one of the two callbacks (failure, pass) is called per armed version that
 * reaches a verdict, on a stream worker thread: they must hand their work (rollback, status) to another thread.
 */
final class HealthWatch {
    private static final System.Logger LOG = System.getLogger(HealthWatch.class.getName());

    /** How a watch ended. */
    enum Outcome { WATCHING, PASSED, FAILED, IDLE }

    private final HealthWatchConfig config;
    private final BiConsumer<Long, String> onFailure;
    private final LongConsumer onPass;
    private String label;
    private long version;
    private int windows;
    private int errors;
    private int slow;
    private int badOutputs;
    private Float singleValue;
    private boolean singleValueVaried;
    private Outcome outcome = Outcome.IDLE;
    private String lastReason = "";

    /** @param onFailure called with (version, reason) when the watched version fails */
    HealthWatch(HealthWatchConfig config, BiConsumer<Long, String> onFailure) {
        this(config, onFailure, version -> { });
    }

    /**
     * @param onFailure called with (version, reason) when the watched version fails
     * @param onPass    called with the version when it got through its windows
     */
    HealthWatch(HealthWatchConfig config, BiConsumer<Long, String> onFailure, LongConsumer onPass) {
        this.config = Objects.requireNonNull(config);
        this.onFailure = Objects.requireNonNull(onFailure);
        this.onPass = Objects.requireNonNull(onPass);
    }

    /** Starts watching {@code version}, whose results carry {@code label}. Replaces any running watch. */
    synchronized void arm(long version, String label) {
        this.version = version;
        this.label = label;
        windows = 0;
        errors = 0;
        slow = 0;
        badOutputs = 0;
        singleValue = null;
        singleValueVaried = false;
        outcome = Outcome.WATCHING;
        lastReason = "";
    }

    /** Stops watching (the version was replaced or rolled back). */
    synchronized void disarm() {
        if (outcome == Outcome.WATCHING) {
            outcome = Outcome.IDLE;
        }
    }

    synchronized Outcome outcome() {
        return outcome;
    }

    synchronized String lastReason() {
        return lastReason;
    }

    void ran(InferenceResult result, float[] output) {
        String failure;
        boolean passed;
        long v;
        synchronized (this) {
            v = version;
            if (outcome != Outcome.WATCHING || !label.equals(result.modelVersion())) {
                return;
            }
            windows++;
            if (config.maxLatencyMs() != null && result.latencyMicros() > config.maxLatencyMs() * 1000) {
                slow++;
            }
            if (!outputsSane(result, output)) {
                badOutputs++;
            }
            failure = judge();
            passed = outcome == Outcome.PASSED;
        }
        report(v, failure, passed);
    }

    void failed(String modelVersion) {
        String failure;
        boolean passed;
        long v;
        synchronized (this) {
            v = version;
            if (outcome != Outcome.WATCHING || !label.equals(modelVersion)) {
                return;
            }
            windows++;
            errors++;
            failure = judge();
            passed = outcome == Outcome.PASSED;
        }
        report(v, failure, passed);
    }

    private boolean outputsSane(InferenceResult result, float[] output) {
        if (config.outputsFinite()) {
            for (float v : output) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        if (config.outputsNotConstant()) {
            if (output.length > 1) {
                boolean allEqual = true;
                for (int i = 1; i < output.length && allEqual; i++) {
                    allEqual = output[i] == output[0];
                }
                if (allEqual) {
                    return false;
                }
            } else if (output.length == 1) {
                // One output value: constant means the same value in every watched window (judged at the end).
                if (singleValue == null) {
                    singleValue = output[0];
                } else if (singleValue != output[0]) {
                    singleValueVaried = true;
                }
            }
        }
        Double score = result.outputs().score();
        return config.maxScore() == null || score == null || score <= config.maxScore();
    }

    /** The failure reason, or null; sets the outcome. Holds the lock. */
    private String judge() {
        String reason = null;
        if (errors > config.maxErrors()) {
            reason = "health-errors: " + errors + " of " + windows + " windows failed (at most "
                    + config.maxErrors() + " allowed)";
        } else if (slow > config.maxSlowWindows()) {
            reason = String.format(Locale.ROOT, "health-latency: %d of %d windows took over %s ms (at most %d "
                    + "allowed)", slow, windows, config.maxLatencyMs(), config.maxSlowWindows());
        } else if (badOutputs > config.maxBadOutputs()) {
            reason = "health-outputs: " + badOutputs + " of " + windows + " windows gave implausible outputs "
                    + "(non-finite, all equal" + (config.maxScore() != null ? ", or score above " + config.maxScore()
                    : "") + "; at most " + config.maxBadOutputs() + " allowed)";
        } else if (windows >= config.windows()) {
            if (config.outputsNotConstant() && singleValue != null && !singleValueVaried && windows > 1) {
                reason = "health-outputs: the single output was " + singleValue + " in all " + windows
                        + " watched windows";
            } else {
                outcome = Outcome.PASSED;
                lastReason = "passed: " + windows + " windows, " + errors + " errors, " + slow + " slow, "
                        + badOutputs + " implausible";
                LOG.log(System.Logger.Level.INFO, "OTA v{0} passed its health watch ({1})", version, lastReason);
                return null;
            }
        }
        if (reason != null) {
            outcome = Outcome.FAILED;
            lastReason = reason;
        }
        return reason;
    }

    /** {@code passed}: this window ended the watch with a pass (later windows are not counted: called once). */
    private void report(long v, String failure, boolean passed) {
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "OTA v{0} failed its health watch: {1}", v, failure);
            onFailure.accept(v, failure);
        } else if (passed) {
            onPass.accept(v);
        }
    }
}
