package io.dualwrite.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerSecondBudgetTest {

    @Test
    void grantsNoMoreThanTheLimitWithinASecondAcrossThreads() throws Exception {
        PerSecondBudget budget = new PerSecondBudget(100);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        try {
            Future<?>[] tasks = new Future<?>[4];
            for (int t = 0; t < 4; t++) {
                tasks[t] = pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        if (budget.tryAcquire()) {
                            granted.incrementAndGet();
                        }
                    }
                });
            }
            for (Future<?> task : tasks) {
                task.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L + 2;
        // 4,000 requests; at most 100 per clock second they span (two windows can be touched within one run).
        assertThat(granted.get()).isBetween(100, (int) (100 * seconds));
    }

    @Test
    void refusesALimitBelowOne() {
        assertThatThrownBy(() -> new PerSecondBudget(0)).hasMessage("limit must be at least 1, but was 0");
    }
}
