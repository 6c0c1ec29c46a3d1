package io.dualwrite.testsupport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which test classes asked {@link TestDatabases} for which database, and how their tests ended: the state behind
 * {@link TestDatabaseSummary}. A database is attributed to the innermost test class running when it was asked for
 * (from a test, a set-up method, or a Spring context built for the class), and so are all the tests of that class.
 * Tests of one JVM are taken to run one at a time, which is JUnit's default.
 */
final class DatabaseUsage {

    private static final Object LOCK = new Object();
    private static final Deque<ClassRun> RUNNING = new ArrayDeque<>();
    private static final Map<TestDatabase.Kind, Tally> TALLIES = new EnumMap<>(TestDatabase.Kind.class);
    private static final Map<TestDatabase.Kind, String> ORIGINS = new EnumMap<>(TestDatabase.Kind.class);
    private static final Map<TestDatabase.Kind, String> VERSIONS = new EnumMap<>(TestDatabase.Kind.class);
    private static final Set<TestDatabase.Kind> MISSING = EnumSet.noneOf(TestDatabase.Kind.class);

    private DatabaseUsage() {}

    /** One running test class: the databases asked for while it ran, and how its tests ended. */
    private static final class ClassRun {
        final String id;
        final Set<TestDatabase.Kind> kinds = EnumSet.noneOf(TestDatabase.Kind.class);
        int ran;
        int notRun;

        ClassRun(String id) {
            this.id = id;
        }
    }

    /** Tests and classes counted for one database. */
    private static final class Tally {
        int classes;
        int ran;
        int notRun;
    }

    static void asked(TestDatabase.Kind kind) {
        synchronized (LOCK) {
            ClassRun current = RUNNING.peek();
            if (current != null) {
                current.kinds.add(kind);
            }
        }
    }

    static void found(TestDatabase.Kind kind, String origin, String version) {
        synchronized (LOCK) {
            ORIGINS.put(kind, origin);
            VERSIONS.put(kind, version);
            MISSING.remove(kind);
        }
    }

    static void missing(TestDatabase.Kind kind) {
        synchronized (LOCK) {
            MISSING.add(kind);
        }
    }

    static void planStarted() {
        synchronized (LOCK) {
            RUNNING.clear();
            TALLIES.clear();
        }
    }

    static void classStarted(String id) {
        synchronized (LOCK) {
            RUNNING.push(new ClassRun(id));
        }
    }

    /** A test of the innermost running class ended: it ran (passed or failed), or it did not (aborted, skipped). */
    static void testFinished(boolean ran) {
        synchronized (LOCK) {
            ClassRun current = RUNNING.peek();
            if (current == null) {
                return;
            }
            if (ran) {
                current.ran++;
            } else {
                current.notRun++;
            }
        }
    }

    /**
     * A test class ended.
     *
     * @param testsKnownBeforeStart the tests the class was known to have before it ran: counted as not run when the
     *     class ended without starting any (its set-up aborted or failed)
     */
    static void classFinished(String id, int testsKnownBeforeStart) {
        synchronized (LOCK) {
            if (RUNNING.isEmpty() || !RUNNING.peek().id.equals(id)) {
                return;
            }
            ClassRun finished = RUNNING.pop();
            if (finished.ran + finished.notRun == 0) {
                finished.notRun = testsKnownBeforeStart;
            }
            Set<TestDatabase.Kind> kinds = EnumSet.noneOf(TestDatabase.Kind.class);
            kinds.addAll(finished.kinds);
            RUNNING.forEach(enclosing -> kinds.addAll(enclosing.kinds));
            for (TestDatabase.Kind kind : kinds) {
                Tally tally = TALLIES.computeIfAbsent(kind, k -> new Tally());
                tally.classes++;
                tally.ran += finished.ran;
                tally.notRun += finished.notRun;
            }
        }
    }

    /**
     * One line: each database asked for, where it came from, and the tests that ran in the classes that asked for
     * it, e.g. {@code dualwrite test databases: POSTGRESQL 14.22 from embedded (123 tests in 20 classes), ...}.
     */
    static String summary() {
        synchronized (LOCK) {
            if (TALLIES.isEmpty()) {
                return "dualwrite test databases: none (no test class asked TestDatabases for one)";
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<TestDatabase.Kind, Tally> entry : TALLIES.entrySet()) {
                TestDatabase.Kind kind = entry.getKey();
                Tally tally = entry.getValue();
                String counts = tally.ran + " tests in " + tally.classes + (tally.classes == 1 ? " class" : " classes")
                        + (tally.notRun > 0 ? ", " + tally.notRun + " not run" : "");
                if (MISSING.contains(kind) || !ORIGINS.containsKey(kind)) {
                    parts.add(kind + " not available (" + counts + ")");
                } else if (kind == TestDatabase.Kind.H2) {
                    parts.add(kind + " in-memory (" + counts + ")");
                } else {
                    String version = VERSIONS.getOrDefault(kind, "");
                    parts.add(kind + (version.isEmpty() ? "" : " " + version) + " from " + ORIGINS.get(kind) + " ("
                            + counts + ")");
                }
            }
            return "dualwrite test databases: " + String.join(", ", parts);
        }
    }
}
