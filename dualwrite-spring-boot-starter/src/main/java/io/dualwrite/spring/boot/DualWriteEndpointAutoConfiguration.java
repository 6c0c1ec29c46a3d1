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
 * {@code management.endpoints.web.exposure.include} names it. When Spring Security is on the classpath, every
 * operation needs an authenticated user with the role {@code dualwrite.endpoint.role}; see docs/admin-api.md.
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(DualWrite.class)
@ConditionalOnAvailableEndpoint(endpoint = DualWriteEndpoint.class)
public class DualWriteEndpointAutoConfiguration {

    private static final String SPRING_SECURITY = "org.springframework.security.core.Authentication";

    @Bean
    @ConditionalOnMissingBean
    DualWriteEndpoint dualWriteEndpoint(DualWrite dualWrite, DualWriteProperties properties) {
        boolean secured = org.springframework.util.ClassUtils.isPresent(
                SPRING_SECURITY, getClass().getClassLoader());
        return new DualWriteEndpoint(
                dualWrite, secured ? properties.getEndpoint().getRole() : null);
    }
}
