package io.dualwrite.spring.boot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The operator console, {@code GET /actuator/dualwriteconsole}: one HTML page, with no build step, that reads
 * and drives the {@code dualwrite} endpoint beside it. Opt-in like every Actuator endpoint (it must be named in
 * {@code management.endpoints.web.exposure.include}) and guarded like the {@code dualwrite} endpoint: with Spring
 * Security present, an authenticated user with the endpoint's role.
 */
@WebEndpoint(id = "dualwriteconsole")
public class DualWriteConsoleEndpoint {

    private static final String PAGE = "/io/dualwrite/spring/boot/console/console.html";

    private final AccessRule access;
    private final String page;

    /** A console for users with {@code requiredRole}, or for anyone when it is null (no Spring Security). */
    public DualWriteConsoleEndpoint(@Nullable String requiredRole) {
        this.access = new AccessRule(requiredRole);
        this.page = load();
    }

    /** The console page; 401 without a user and 403 without the role, as the endpoint it drives. */
    @ReadOperation(produces = "text/html")
    public WebEndpointResponse<String> console(SecurityContext security) {
        var refusal = access.check(security, "the dualwrite console");
        if (refusal.isPresent()) {
            return new WebEndpointResponse<>(
                    refusal.get().message(), refusal.get().status());
        }
        return new WebEndpointResponse<>(page, WebEndpointResponse.STATUS_OK);
    }

    private static String load() {
        try (InputStream in = DualWriteConsoleEndpoint.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException("The console page " + PAGE + " is missing from the starter");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
