package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Actuator behind HTTP Basic: health for anyone, the dualwrite endpoint and console for the role DUALWRITE_ADMIN
 * (which the endpoint also checks itself), every other endpoint for any authenticated user.
 */
@Configuration(proxyBeanMethods = false)
public class ActuatorSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain actuator(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(auth -> auth.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
                        .permitAll()
                        .requestMatchers(EndpointRequest.to("dualwrite", "dualwriteconsole"))
                        .hasRole("DUALWRITE_ADMIN")
                        .anyRequest()
                        .authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable()) // for curl and scripts; keep CSRF where browsers post with cookies
                .build();
    }
}
