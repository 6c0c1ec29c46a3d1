package io.dualwrite.testsupport;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line when a test run ends (for Maven, at the end of each module's tests): each database that test
 * classes asked {@link TestDatabases} for, where it came from ({@code environment}, {@code testcontainers},
 * {@code embedded}, or H2 in-memory), its server version, and how many tests ran in the classes that asked for it:
 *
 * <pre>
 * dualwrite test databases: POSTGRESQL 14.22 from embedded (123 tests in 20 classes), MARIADB 10.11.19-MariaDB from
 * environment (98 tests in 15 classes), H2 in-memory (40 tests in 6 classes)
 * </pre>
 *
 * <p>What is counted: a test that ran (passed or failed) in a test class that asked for the database while it ran;
 * tests that were aborted or skipped are counted as "not run". A test of a class that asked for two databases counts
 * for both; a class that reuses a Spring context built for another class, without asking itself, is not counted.
 *
 * <p>Registered through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, so every test
 * run with this module on its class path prints the line.
 */
public final class TestDatabaseSummary implements TestExecutionListener {

    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        DatabaseUsage.planStarted();
    }

    @Override
    public void executionStarted(TestIdentifier identifier) {
        if (isClass(identifier)) {
            DatabaseUsage.classStarted(identifier.getUniqueId());
        }
    }

    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        if (identifier.isTest()) {
            DatabaseUsage.testFinished(false);
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        if (identifier.isTest()) {
            DatabaseUsage.testFinished(result.getStatus() != TestExecutionResult.Status.ABORTED);
        } else if (isClass(identifier)) {
            DatabaseUsage.classFinished(identifier.getUniqueId(), testsIn(identifier));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        System.out.println(DatabaseUsage.summary());
        System.out.flush();
    }

    private static boolean isClass(TestIdentifier identifier) {
        return identifier.getSource().filter(ClassSource.class::isInstance).isPresent();
    }

    /** The tests known in a class before it ran (parameterized and dynamic tests are known only as they run). */
    private int testsIn(TestIdentifier identifier) {
        if (plan == null) {
            return 0;
        }
        return (int) plan.getDescendants(identifier).stream()
                .filter(TestIdentifier::isTest)
                .count();
    }
}
