package dev.octet.runtime.cortexm;

import dev.octet.profiles.Core;
import dev.octet.profiles.DeviceProfile;

/**
 * What requantization costs a Cortex-M node in Octet's shift-only variant
 * ({@link dev.octet.runtime.model.ShiftOnlyRequantization}): CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
 * scale each int32 accumulator by a power of two with one rounding shift instead of CMSIS-NN's 32x32→64
 * multiply. Per output, from instruction counts (not calibrated on hardware): load the channel's shift and
 * rounding constant, {@code ADD}, {@code ASR}, add the output offset, clamp, store. No multiply, so the cost no
 * longer depends on the multiplier: on a Cortex-M0+ with the 32-cycle multiplier this is where the variant pays
 * (164 cycles per output become 12).
 *
 * <ul>
 *   <li>Cortex-M0+: 12 (two {@code LDR}, {@code ADDS}, {@code ASRS}, {@code ADDS}, two compare-and-branch
 *       clamps, {@code STRB}), against 40 plus 4 × (multiplier cycles − 1);</li>
 *   <li>Armv8-M without DSP: 8 (against 20); with the DSP extension 7 ({@code LDRD} of both constants,
 *       {@code ADD}, {@code ASR}, {@code ADD}, {@code SSAT}, {@code STRB}; against 16); Cortex-M7 4 (dual issue;
 *       against 9);</li>
 *   <li>Helium: a single {@code VRSHL} per 4 lanes replaces {@code VQRDMULH} + {@code VRSHL}: 0.5 (M55) and 0.4
 *       (M85) at 2 beats per tick, against 0.8 and 0.6.</li>
 * </ul>
 */
public final class ShiftOnlyCosts {
    private ShiftOnlyCosts() {
    }

    /** Cycles to requantize one accumulator with a rounding shift on this profile's core. */
    public static double requantCyclesPerOutput(DeviceProfile profile) {
        if (profile.simd().hasMve()) {
            double v = 2.0 / profile.simd().mveBeatsPerTick();
            return profile.core() == Core.CORTEX_M85 ? 0.4 * v : 0.5 * v;
        }
        return switch (profile.core()) {
            case CORTEX_M0_PLUS -> 12;
            case CORTEX_M7 -> 4;
            case CORTEX_A72, CORTEX_A76 -> 0.3;
            default -> profile.simd().dspExtension() ? 7 : 8;
        };
    }
}
