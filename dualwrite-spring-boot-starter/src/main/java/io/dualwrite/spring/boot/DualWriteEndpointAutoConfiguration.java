package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.spring.boot.actuate.DualWriteEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code dualwrite} Actuator endpoint. Like every endpoint but health, it is not exposed over HTTP unless
 * {@code management.endpoints.web.exposure.include} names it; see docs/admin-api.md for exposing it safely.
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(DualWrite.class)
@ConditionalOnAvailableEndpoint(endpoint = DualWriteEndpoint.class)
public class DualWriteEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DualWriteEndpoint dualWriteEndpoint(DualWrite dualWrite) {
        return new DualWriteEndpoint(dualWrite);
    }
}
