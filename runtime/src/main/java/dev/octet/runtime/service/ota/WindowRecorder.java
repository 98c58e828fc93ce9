package dev.octet.runtime.service.ota;

import java.util.ArrayList;
import java.util.List;

/**
 * The last few real model inputs of one stream (after preprocessing, before quantization), for the dry run of a
 * new model version. A ring of preallocated arrays: recording a window copies it and allocates nothing.
 */
public final class WindowRecorder {
    private final float[][] ring;
    private int next;
    private int count;

    public WindowRecorder(int capacity, int elements) {
        this.ring = new float[capacity][elements];
    }

    /** Called on the stream's worker thread for every window. */
    public synchronized void record(float[] input) {
        float[] slot = ring[next];
        System.arraycopy(input, 0, slot, 0, Math.min(slot.length, input.length));
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    /** Copies of the recorded windows, oldest first. */
    public synchronized List<float[]> snapshot() {
        List<float[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(ring[(next - count + i + ring.length) % ring.length].clone());
        }
        return out;
    }
}
