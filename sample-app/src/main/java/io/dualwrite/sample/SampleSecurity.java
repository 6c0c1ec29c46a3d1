package io.dualwrite.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The sample's security, as docs/admin-api.md recommends: Actuator needs an authenticated user (health and, for
 * the demo's Prometheus, prometheus excepted)
 * and the dualwrite endpoint the role {@code DUALWRITE_ADMIN}; one demo operator has it. The demo's own API stays
 * open. A real application keeps its own users and never ships a default password.
 */
@Configuration(proxyBeanMethods = false)
class SampleSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain actuator(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(auth -> auth.requestMatchers(EndpointRequest.to("health", "prometheus"))
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain demoApi(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /** The demo operator: {@code sample.operator.username} / {@code sample.operator.password}. */
    @Bean
    InMemoryUserDetailsManager demoOperator(
            @Value("${sample.operator.username:operator}") String username,
            @Value("${sample.operator.password:operator}") String password) {
        return new InMemoryUserDetailsManager(User.withUsername(username)
                .password("{noop}" + password)
                .roles("DUALWRITE_ADMIN")
                .build());
    }
}
