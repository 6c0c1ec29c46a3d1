package io.dualwrite.testsupport;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs installed on the machine that some tests need and Maven cannot bring (a browser and its driver). Outside
 * CI a test whose tools are missing is skipped, with one message per JVM naming the tools and their Debian packages;
 * with {@code CI=true} it fails, as a missing database does ({@link TestDatabases}).
 */
public final class SystemTools {

    private static final Set<String> SKIP_MESSAGE_PRINTED = ConcurrentHashMap.newKeySet();

    private SystemTools() {}

    /**
     * A program the tests run.
     *
     * @param name what the program is called, e.g. {@code Chromium}
     * @param path where it must be, e.g. {@code /usr/bin/chromium}
     * @param debianPackage the Debian package that installs it there, e.g. {@code chromium}
     */
    public record Tool(String name, String path, String debianPackage) {

        boolean installed() {
            return new File(path).canExecute();
        }

        @Override
        public String toString() {
            return name + " (" + path + ", Debian package " + debianPackage + ")";
        }
    }

    /** Chromium, as Debian installs it. */
    public static final Tool CHROMIUM = new Tool("Chromium", "/usr/bin/chromium", "chromium");

    /** Chromium's WebDriver server, as Debian installs it. */
    public static final Tool CHROMEDRIVER = new Tool("chromedriver", "/usr/bin/chromedriver", "chromium-driver");

    /**
     * Returns when every tool is installed; otherwise fails in CI, or skips the calling test (or class, from a
     * {@code @BeforeAll} method) elsewhere.
     *
     * @param what the tests that need the tools, for the message, e.g. {@code the console browser test}
     */
    public static void require(String what, Tool... tools) {
        List<Tool> missing =
                Arrays.stream(tools).filter(tool -> !tool.installed()).toList();
        if (missing.isEmpty()) {
            return;
        }
        String names = missing.stream().map(Tool::toString).collect(Collectors.joining(", "));
        String install = missing.stream().map(Tool::debianPackage).distinct().collect(Collectors.joining(" "));
        String reason = names + (missing.size() == 1 ? " is" : " are") + " not installed; on Debian: apt-get install "
                + install;
        if (TestDatabases.isCi()) {
            throw new IllegalStateException("CI=true and " + what + " cannot run: " + reason);
        }
        if (SKIP_MESSAGE_PRINTED.add(install)) {
            System.err.println(
                    "\n*** SKIPPING " + what + " (this message is printed once per JVM): " + reason + " ***\n");
        }
        Assumptions.abort(what + " skipped: " + reason);
    }
}
