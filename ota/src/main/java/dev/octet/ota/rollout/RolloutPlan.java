package dev.octet.ota.rollout;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Who gets a model version, in which order: a canary group first, then waves reaching cumulative percentages of
 * all gateways. A wave is complete when at least {@code successFraction} of its gateways report {@code active}
 * with their health watch passed;
 * the rollout pauses as soon as {@code maxFailures} gateways (over all waves) report {@code rejected} or
 * {@code rolled-back}.
 */
public record RolloutPlan(String modelId, long version, List<String> gateways, List<String> canary,
                          List<Integer> percents, double successFraction, int maxFailures) {
    public RolloutPlan {
        gateways = List.copyOf(gateways);
        canary = List.copyOf(canary);
        percents = List.copyOf(percents);
        if (gateways.isEmpty() || new LinkedHashSet<>(gateways).size() != gateways.size()) {
            throw new IllegalArgumentException("gateways must be a non-empty list without duplicates");
        }
        if (!gateways.containsAll(canary)) {
            throw new IllegalArgumentException("every canary must be one of the gateways");
        }
        int last = 0;
        for (int p : percents) {
            if (p <= last || p > 100) {
                throw new IllegalArgumentException("percents must increase, within 1..100");
            }
            last = p;
        }
        if (successFraction <= 0 || successFraction > 1 || maxFailures < 1) {
            throw new IllegalArgumentException("successFraction in (0, 1], maxFailures >= 1");
        }
    }

    /** The waves: the canaries, then each percentage's new gateways; a last wave takes any remainder. */
    public List<List<String>> waves() {
        List<List<String>> waves = new ArrayList<>();
        LinkedHashSet<String> done = new LinkedHashSet<>(canary);
        if (!canary.isEmpty()) {
            waves.add(canary);
        }
        List<String> rest = gateways.stream().filter(g -> !canary.contains(g)).toList();
        List<Integer> steps = new ArrayList<>(percents);
        if (steps.isEmpty() || steps.get(steps.size() - 1) != 100) {
            steps.add(100);
        }
        for (int p : steps) {
            int upTo = (int) Math.ceil(gateways.size() * p / 100.0);
            List<String> wave = new ArrayList<>();
            for (String g : rest) {
                if (done.size() + wave.size() >= upTo) {
                    break;
                }
                if (!done.contains(g)) {
                    wave.add(g);
                }
            }
            if (!wave.isEmpty()) {
                done.addAll(wave);
                waves.add(wave);
            }
        }
        return waves;
    }
}
