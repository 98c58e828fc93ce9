package dev.octet.runtime.pipeline.recording;

import dev.octet.runtime.pipeline.config.OctetConfig.SourceConfig;
import dev.octet.runtime.pipeline.preprocess.Shape;
import dev.octet.runtime.tensor.LittleEndian;
import java.time.Instant;
import java.util.List;

/**
 * Windows recorded from a stream: the float features its model would have been fed (after preprocessing, before
 * the model's input quantization), in order, with where they came from.
 *
 * @param modelId      the stream's configured model
 * @param modelInput   that model's input shape
 * @param shape        the preprocessing output of one window (row-major, as the model receives it)
 * @param windows      the recorded model inputs, each {@code shape.elements()} values
 * @param seen         model inputs the stream produced during the recording (skipped ones included)
 * @param dropped      windows the stream's queue dropped (only a real-time source with a dropping policy)
 * @param sourceErrors non-fatal errors the source reported (the windower restarted after each)
 * @param paced        whether the source ran in real time
 * @param source       the source's configured type and parameters
 */
public record Recording(String streamId, String modelId, String modelVersion, int[] modelInput, Shape shape,
                        List<float[]> windows, long seen, long dropped, long sourceErrors, boolean paced,
                        RecordingOptions options, SourceConfig source, Instant started, Instant finished) {
    public Recording {
        windows = List.copyOf(windows);
        modelInput = modelInput.clone();
    }

    public int count() {
        return windows.size();
    }

    /** The windows as little-endian float32 values back to back: the format {@code --calibration} reads. */
    public byte[] toBytes() {
        int values = shape.elements();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(windows.size(), values), 4)];
        int at = 0;
        for (float[] w : windows) {
            for (float v : w) {
                LittleEndian.putFloat(out, at, v);
                at += 4;
            }
        }
        return out;
    }
}
