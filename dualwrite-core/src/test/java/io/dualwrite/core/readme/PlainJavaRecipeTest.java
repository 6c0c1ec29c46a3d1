package io.dualwrite.core.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.ManagedMigration;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's plain-Java recipe, on PostgreSQL, and checks that the README shows exactly this code (between
 * the {@code recipe} markers below), so that the snippet cannot drift from what compiles and runs.
 */
class PlainJavaRecipeTest {

    /** The OLD representation: a customer with the whole name in one column. */
    record Customer(long id, String fullName) {}

    /** The NEW representation: the name split in two. */
    record CustomerName(long customerId, String firstName, String lastName) {
        static CustomerName of(Customer c) {
            int space = c.fullName().indexOf(' ');
            return new CustomerName(
                    c.id(), c.fullName().substring(0, space), c.fullName().substring(space + 1));
        }

        Customer toCustomer() {
            return new Customer(customerId, firstName + " " + lastName);
        }
    }

    @Test
    void theReadmesPlainJavaRecipeRunsAsShown() throws Exception {
        DataSource dataSource = TestDatabases.postgres().dataSource();
        execute(
                dataSource,
                "DROP TABLE IF EXISTS customer_name",
                "DROP TABLE IF EXISTS customer",
                "CREATE TABLE customer (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL)",
                "CREATE TABLE customer_name (customer_id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100) NOT NULL)",
                "INSERT INTO customer VALUES (1, 'Ada Lovelace'), (2, 'Alan Turing')");
        DualWriteSchema.create(dataSource);
        DualWriteTables.forget(dataSource, "customer-name-split");

        // recipe:start
        DualWriteSchema.create(dataSource); // dualwrite's tables, in every database that holds a side
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, Customer> customers = JdbcStore.builder(transactions, Long.class, Customer.class)
                .table("customer")
                .key("id", Customer::id)
                .columns("full_name")
                .mapper(rs -> new Customer(rs.getLong("id"), rs.getString("full_name")))
                .binder((c, row) -> row.set("full_name", c.fullName()))
                .build();
        JdbcStore<Long, CustomerName> names = JdbcStore.builder(transactions, Long.class, CustomerName.class)
                .table("customer_name")
                .key("customer_id", CustomerName::customerId)
                .columns("first_name", "last_name")
                .mapper(rs -> new CustomerName(
                        rs.getLong("customer_id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        Migration<Long, Customer, CustomerName> split = Migration.builder(
                        "customer-name-split", Long.class, customers, names)
                .toNew(CustomerName::of)
                .toOld(CustomerName::toCustomer)
                .build();

        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(split)
                .backfillStore(new JdbcBackfillStore(transactions))
                .verificationStore(new JdbcVerificationStore(transactions))
                .instanceRegistry(new JdbcInstanceRegistry(transactions), Duration.ofSeconds(1), Duration.ofSeconds(10))
                .build()
                .startBackgroundWork(); // copies, repairs, re-syncs: without it a backfill never copies
        ManagedMigration<Long, Customer, CustomerName> migration = dualWrite.managed(split);

        migration.advance(TransitionRequest.by("alice", "write both sides")); // DUAL_WRITE
        migration.repository().write(new Customer(3, "Grace Hopper"));
        migration.advance(TransitionRequest.by("alice", "copy the history")); // BACKFILL
        // ... once migration.backfill().progress() is COMPLETED and migration.verify() found nothing:
        // migration.advance(TransitionRequest.by("alice", "read the new side")); // READ_NEW

        dualWrite.close(); // first dualwrite (stops its work, leaves the registry), then the data source
        // recipe:end

        DualWrite again = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(split)
                .backfillStore(new JdbcBackfillStore(transactions))
                .singleInstance()
                .build()
                .startBackgroundWork();
        try {
            ManagedMigration<Long, Customer, CustomerName> handle = again.managed(split);
            assertThat(handle.phase()).isEqualTo(MigrationPhase.BACKFILL);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (handle.backfill().progress().state() != BackfillState.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(handle.backfill().progress().state()).isEqualTo(BackfillState.COMPLETED);
        } finally {
            again.close();
        }
        assertThat(rows(dataSource, "SELECT customer_id, first_name || '|' || last_name FROM customer_name"))
                .containsExactly(
                        Map.entry(1L, "Ada|Lovelace"), Map.entry(2L, "Alan|Turing"), Map.entry(3L, "Grace|Hopper"));
        assertThat(rows(dataSource, "SELECT id, full_name FROM customer"))
                .containsEntry(3L, "Grace Hopper")
                .hasSize(3);
    }

    @Test
    void theReadmeShowsTheRecipeThisTestRuns() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/dualwrite/core/readme/PlainJavaRecipeTest.java"));
        String recipe = between(source, "// recipe:start\n", "        // recipe:end");
        String readme = Files.readString(Path.of("../README.md"));
        String shown = between(readme, "<!-- plain-java-recipe -->\n```java\n", "```\n");
        assertThat(normalize(shown)).isEqualTo(normalize(recipe));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("marker %s", start.strip()).isNotNegative();
        from += start.length();
        int to = text.indexOf(end, from);
        assertThat(to).as("marker %s", end.strip()).isGreaterThan(from);
        return text.substring(from, to);
    }

    /** The lines without their indentation (the README's block starts at column 0). */
    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }

    private static void execute(DataSource dataSource, String... statements) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static Map<Long, String> rows(DataSource dataSource, String sql) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }
}
