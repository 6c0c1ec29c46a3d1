package io.dualwrite.spring.boot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
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
 *
 * <p>The chart is drawn with uPlot, from its WebJar ({@code org.webjars.npm:uplot}) on the classpath: its script and
 * style sheet are inlined into the page where it says {@value #CHART_LIBRARY}, so the page needs no other request,
 * no internet access, and nothing the operator's session does not already admit.
 */
@WebEndpoint(id = "dualwriteconsole")
public class DualWriteConsoleEndpoint {

    private static final String PAGE = "/io/dualwrite/spring/boot/console/console.html";
    private static final String CHART_LIBRARY = "<!-- chart library -->";
    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

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
        String page = read(PAGE, "the console page, part of the starter");
        Properties webJar = new Properties();
        try {
            webJar.load(new StringReader(read(UPLOT_POM, "the uplot WebJar, a dependency of the starter")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dist = "/META-INF/resources/webjars/uplot/" + webJar.getProperty("version") + "/dist/";
        String script = read(dist + "uPlot.iife.min.js", "uPlot's script");
        if (!page.contains(CHART_LIBRARY) || script.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("The chart library cannot be inlined into the console page");
        }
        String library = "<style>" + read(dist + "uPlot.min.css", "uPlot's style sheet") + "</style>\n<script>" + script
                + "</script>";
        return page.replace(CHART_LIBRARY, library);
    }

    private static String read(String resource, String what) {
        try (InputStream in = DualWriteConsoleEndpoint.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " (" + what + ") is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
