package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.metrics.DualWriteMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Binds every migration's phase and backfill progress to Micrometer (see {@link DualWriteMetrics}), and holds backfills
 * back on the application's latency when {@code dualwrite.backfill.throttle.latency-timer} names a timer.
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(DualWrite.class)
public class DualWriteMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DualWriteMetrics dualWriteMetrics(DualWrite dualWrite) {
        return new DualWriteMetrics(dualWrite);
    }

    /** {@code dualwrite.backfill.throttle.latency-timer}: the application's p99 holds every backfill back. */
    @Bean
    @ConditionalOnProperty(prefix = "dualwrite.backfill.throttle", name = "latency-timer")
    @ConditionalOnBean(MeterRegistry.class)
    BackfillThrottles.Latency dualWriteLatencyThrottle(
            DualWrite dualWrite, MeterRegistry registry, DualWriteProperties properties) {
        return BackfillThrottles.addLatency(
                dualWrite, registry, properties.getBackfill().getThrottle());
    }
}
