package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.DualWriteBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Resilience4j around the other database of a migration across two databases: a circuit breaker on its writes
 * and shadow reads ({@code dualwrite.circuit-breaker.*}) and a time limit on its writes
 * ({@code dualwrite.time-limiter.*}), so that its outage cannot take the application down; the migration's failure
 * policy decides what a refused or timed-out write does.
 */
@AutoConfiguration(before = DualWriteAutoConfiguration.class)
@ConditionalOnClass({DualWrite.class, CircuitBreaker.class, TimeLimiter.class})
@ConditionalOnProperty(prefix = "dualwrite", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DualWriteProperties.class)
public class DualWriteResilienceAutoConfiguration {

    @Bean
    @ConditionalOnProperty(
            prefix = "dualwrite.circuit-breaker",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    DualWriteBuilderCustomizer dualWriteCircuitBreakers(DualWriteProperties properties) {
        CircuitBreakerConfig config = DualWriteOptionsMapper.circuitBreaker(properties.getCircuitBreaker());
        return builder -> builder.circuitBreakers(config);
    }

    @Bean
    @ConditionalOnProperty(
            prefix = "dualwrite.time-limiter",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    DualWriteBuilderCustomizer dualWriteTimeLimiter(DualWriteProperties properties) {
        TimeLimiterConfig config = DualWriteOptionsMapper.timeLimiter(properties.getTimeLimiter());
        int threads = properties.getTimeLimiter().getThreads();
        return builder -> builder.timeLimiter(config, threads);
    }

    /** {@code dualwrite.time-limiter.enabled=false} lifts the bound the core otherwise sets by default. */
    @Bean
    @ConditionalOnProperty(prefix = "dualwrite.time-limiter", name = "enabled", havingValue = "false")
    DualWriteBuilderCustomizer dualWriteWithoutTimeLimiter() {
        return DualWriteBuilder::withoutTimeLimiter;
    }
}
