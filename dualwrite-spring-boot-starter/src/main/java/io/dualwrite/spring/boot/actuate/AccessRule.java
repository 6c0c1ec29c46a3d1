package io.dualwrite.spring.boot.actuate;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * The access rule of the dualwrite endpoint and console: with a required role (Spring Security present), 401
 * without an authenticated user and 403 without the role; anyone is admitted when there is no required role.
 */
record AccessRule(@Nullable String requiredRole) {

    /** Why a request is refused. */
    record Refusal(int status, String error, String message) {}

    /** The refusal of a request to {@code what} ("the dualwrite endpoint"), or empty when admitted. */
    Optional<Refusal> check(SecurityContext security, String what) {
        if (requiredRole == null) {
            return Optional.empty();
        }
        if (security.getPrincipal() == null) {
            return Optional.of(new Refusal(
                    401,
                    "unauthorized",
                    Character.toUpperCase(what.charAt(0)) + what.substring(1)
                            + " needs an authenticated user with role " + requiredRole));
        }
        if (!security.isUserInRole(requiredRole)) {
            return Optional.of(new Refusal(
                    403,
                    "forbidden",
                    "User '" + security.getPrincipal().getName() + "' lacks role " + requiredRole + ", which " + what
                            + " needs (dualwrite.endpoint.role)"));
        }
        return Optional.empty();
    }
}
