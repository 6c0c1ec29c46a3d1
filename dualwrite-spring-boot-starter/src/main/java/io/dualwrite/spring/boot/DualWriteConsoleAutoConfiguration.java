package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.spring.boot.actuate.DualWriteConsoleEndpoint;
import io.dualwrite.spring.boot.actuate.DualWriteEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The operator console ({@code /actuator/dualwriteconsole}), when both it and the {@code dualwrite} endpoint it
 * drives are exposed; guarded by the same role.
 */
@AutoConfiguration(after = DualWriteEndpointAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean({DualWrite.class, DualWriteEndpoint.class})
@ConditionalOnAvailableEndpoint(endpoint = DualWriteConsoleEndpoint.class)
public class DualWriteConsoleAutoConfiguration {

    private static final String SPRING_SECURITY = "org.springframework.security.core.Authentication";

    @Bean
    @ConditionalOnMissingBean
    DualWriteConsoleEndpoint dualWriteConsoleEndpoint(DualWriteProperties properties) {
        boolean secured = org.springframework.util.ClassUtils.isPresent(
                SPRING_SECURITY, getClass().getClassLoader());
        return new DualWriteConsoleEndpoint(secured ? properties.getEndpoint().getRole() : null);
    }
}
