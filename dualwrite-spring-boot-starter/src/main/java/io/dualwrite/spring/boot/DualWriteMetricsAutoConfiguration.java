package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.metrics.DualWriteMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Binds every migration's phase and backfill progress to Micrometer (see {@link DualWriteMetrics}). */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(DualWrite.class)
public class DualWriteMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DualWriteMetrics dualWriteMetrics(DualWrite dualWrite) {
        return new DualWriteMetrics(dualWrite);
    }
}
