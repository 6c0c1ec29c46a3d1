package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.spring.boot.actuate.DualWriteHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The health contributor {@code dualwrite}: each migration's phase and ledger size, UP even when the sides diverge
 * (see {@link DualWriteHealthIndicator}); {@code management.health.dualwrite.enabled=false} turns it off.
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(DualWrite.class)
@ConditionalOnEnabledHealthIndicator("dualwrite")
public class DualWriteHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "dualwriteHealthIndicator")
    DualWriteHealthIndicator dualwriteHealthIndicator(DualWrite dualWrite) {
        return new DualWriteHealthIndicator(dualWrite);
    }
}
