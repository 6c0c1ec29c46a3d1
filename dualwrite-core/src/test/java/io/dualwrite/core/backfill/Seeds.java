package io.dualwrite.core.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Seeds for randomized tests: {@code -Ddualwrite.seed=N} reproduces one run; otherwise a few fixed seeds and a few
 * new ones each run ({@code -Ddualwrite.seeds=K} sets how many new ones).
 */
public final class Seeds {

    private Seeds() {}

    public static Stream<Long> seeds() {
        String fixed = System.getProperty("dualwrite.seed");
        if (fixed != null && !fixed.isBlank()) {
            return Stream.of(Long.parseLong(fixed.trim()));
        }
        int fresh = Integer.getInteger("dualwrite.seeds", 3);
        List<Long> seeds = new ArrayList<>(List.of(1L, 42L, 20261123L));
        long base = System.nanoTime();
        for (int i = 0; i < fresh; i++) {
            seeds.add(base + i * 7919L);
        }
        return seeds.stream();
    }
}
