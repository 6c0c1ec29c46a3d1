package io.dualwrite.spring.boot.actuate;

import java.security.Principal;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.SecurityContext;

/** Security contexts for calling the endpoint directly in tests. */
public final class TestSecurityContexts {

    private TestSecurityContexts() {}

    /** A caller named {@code name} (null: anonymous) with exactly these roles. */
    public static SecurityContext user(String name, String... roles) {
        Set<String> granted = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return name == null ? null : () -> name;
            }

            @Override
            public boolean isUserInRole(String role) {
                return granted.contains(role);
            }
        };
    }

    /** An anonymous caller in every role (for an endpoint built without a required role). */
    public static SecurityContext anyone() {
        return new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return null;
            }

            @Override
            public boolean isUserInRole(String role) {
                return true;
            }
        };
    }
}
