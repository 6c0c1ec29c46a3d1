package io.dualwrite.drill;

import io.dualwrite.core.GateOptions;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.testsupport.SwitchableDataSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Randomized, seed-reproducible walks over every allowed move, forward and back, on real databases, by the
 * {@link MigrationDrill} every team can run on its own migration: three in-process instances with different refresh
 * intervals (two lag behind every move), writes and deletes through either, callers that roll back after the write,
 * a paused and resumed backfill, and, across two databases, outages of either side. A model records every
 * acknowledged write and delete; after each walk the migration is brought to READ_NEW and both sides must equal the
 * model, read here with plain SQL. Then divergences are planted behind the library's back and the verifier must find
 * each one. The first walk of each class tours every allowed move; the others move at random.
 *
 * <p>Where the setup says so, the leader's autopilot drives the migration too, racing the walk's own moves. Up to
 * DROP_OLD, each walk ends by letting the autopilot reach DROP_OLD; the leader is then replaced by one without an
 * autopilot, which moves back to READ_NEW and waits for the re-sync of the old side before the sides are compared.
 *
 * <p>The tables are keyed by {@code K}: Long, String keys that Java orders otherwise than the database (mixed case,
 * accents, trailing spaces) or UUIDs, as each subclass says. {@code -Ddualwrite.seed=N} replays one walk;
 * {@code -Ddualwrite.walk.seeds=N} sets how many walks each subclass runs (the long form).
 *
 * @param <K> the key type of the walk's tables
 */
abstract class AbstractPhaseWalkTest<K> {

    /** The old representation. */
    record Row<K>(K id, String fullName) {}

    /** The new representation. */
    record Name<K>(K id, String firstName, String lastName) {}

    private static final int KEYS = 30;

    private final WalkSetup<K> setup;

    AbstractPhaseWalkTest(WalkSetup<K> setup) {
        this.setup = setup;
    }

    private DataSource oldDatabase() {
        return setup.oldDatabase().get().dataSource();
    }

    private DataSource newDatabase() {
        return setup.newDatabase().get().dataSource();
    }

    private DataSource newSideDatabase() {
        return setup.twoDatabases() ? newDatabase() : oldDatabase();
    }

    private K key(int i) {
        return setup.keys().apply(i);
    }

    @Test
    void randomWalksOverEveryMoveLoseNoAcknowledgedWrite() {
        createTables(oldDatabase(), Side.OLD);
        createTables(newSideDatabase(), Side.NEW);
        SwitchableDataSource oldSwitch = new SwitchableDataSource(oldDatabase());
        SwitchableDataSource newSwitch = new SwitchableDataSource(newDatabase());
        JdbcTransactions oldTransactions = JdbcTransactions.of(oldSwitch);
        JdbcTransactions newTransactions = setup.twoDatabases() ? JdbcTransactions.of(newSwitch) : oldTransactions;
        Migration<K, Row<K>, Name<K>> migration = Migration.builder(
                        setup.prefix().replace('_', '-'),
                        setup.keyType(),
                        oldStore(oldTransactions),
                        newStore(newTransactions))
                .toNew(AbstractPhaseWalkTest::split)
                .toOld(AbstractPhaseWalkTest::join)
                .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                .build();
        MigrationDrill<K, Row<K>, Name<K>> drill = MigrationDrill.of(migration)
                .values(random -> new Row<>(key(1 + random.nextInt(KEYS)), "First W" + random.nextInt(1_000_000)))
                .mappingSamples(50)
                .walks(setup.walks())
                .gates(GateOptions.defaults().withMaxMismatchRate(1))
                .controlDatabase(newDatabase())
                .oldRows(() -> rows(
                        oldDatabase(), setup.prefix() + "_old", values -> new Row<>(values.key(), values.column(2))))
                .newRows(() -> rows(
                        newSideDatabase(),
                        setup.prefix() + "_new",
                        values -> new Name<>(values.key(), values.column(2), values.column(3))));
        if (setup.twoDatabases()) {
            drill.outages(new Outages() {
                @Override
                public void cut(Side side) {
                    (side == Side.OLD ? oldSwitch : newSwitch).cut();
                }

                @Override
                public void restore() {
                    oldSwitch.restore();
                    newSwitch.restore();
                }
            });
        }
        if (setup.autopilotUpTo() != null) {
            drill.autopilotUpTo(setup.autopilotUpTo());
        }
        DrillReport report = drill.run();
        System.out.println(getClass().getSimpleName() + ": " + report);
        report.assertPasses();
    }

    private void createTables(DataSource database, Side side) {
        String table = setup.prefix() + (side == Side.OLD ? "_old" : "_new");
        execute(database, "DROP TABLE IF EXISTS " + table);
        StringBuilder keyColumns = new StringBuilder();
        for (int i = 0; i < setup.key().columns().size(); i++) {
            keyColumns
                    .append(setup.key().columns().get(i))
                    .append(' ')
                    .append(setup.key().types().get(i))
                    .append(" NOT NULL, ");
        }
        execute(
                database,
                "CREATE TABLE " + table + " (" + keyColumns
                        + (side == Side.OLD
                                ? "full_name VARCHAR(200)"
                                : "first_name VARCHAR(100) NOT NULL, last_name VARCHAR(100)")
                        + ", PRIMARY KEY (" + String.join(", ", setup.key().columns()) + "))");
    }

    @SuppressWarnings("unchecked")
    private JdbcStore<K, Row<K>> oldStore(JdbcTransactions transactions) {
        Class<K> type = setup.keyType();
        JdbcStore.Builder<K, Row<K>> builder = JdbcStore.builder(
                        transactions, type, (Class<Row<K>>) (Class<?>) Row.class)
                .table(setup.prefix() + "_old");
        return key(builder, Row::id)
                .columns("full_name")
                .mapper(rs -> new Row<>(setup.key().reader().map(rs), rs.getString("full_name")))
                .binder((row, values) -> values.set("full_name", row.fullName()))
                .build();
    }

    @SuppressWarnings("unchecked")
    private JdbcStore<K, Name<K>> newStore(JdbcTransactions transactions) {
        Class<K> type = setup.keyType();
        JdbcStore.Builder<K, Name<K>> builder = JdbcStore.builder(
                        transactions, type, (Class<Name<K>>) (Class<?>) Name.class)
                .table(setup.prefix() + "_new");
        return key(builder, Name::id)
                .columns("first_name", "last_name")
                .mapper(rs ->
                        new Name<>(setup.key().reader().map(rs), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, values) ->
                        values.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .build();
    }

    /** The key of the walk's tables: one column {@code id}, or several declared with {@code compositeKey}. */
    private <V> JdbcStore.Builder<K, V> key(JdbcStore.Builder<K, V> builder, Function<V, K> keyOf) {
        return setup.key().composite()
                ? builder.compositeKey(setup.key().columns(), keyOf)
                : builder.key(setup.key().columns().get(0), keyOf);
    }

    static <K> Name<K> split(Row<K> row) {
        String full = row.fullName();
        int space = full.indexOf(' ');
        return space < 0
                ? new Name<>(row.id(), full, "")
                : new Name<>(row.id(), full.substring(0, space), full.substring(space + 1));
    }

    static <K> Row<K> join(Name<K> name) {
        return new Row<>(
                name.id(), name.lastName().isEmpty() ? name.firstName() : name.firstName() + " " + name.lastName());
    }

    /** One row read with plain SQL: its key and its columns' text. */
    private interface PlainRow<K> {
        K key();

        /** The text of a column, counted as if the key were one column (2 is the first after the key). */
        String column(int index);
    }

    /** Every row of a table by key, read with plain SQL, not through a store. */
    private <V> Map<K, V> rows(DataSource dataSource, String table, Function<PlainRow<K>, V> value) {
        Map<K, V> rows = new LinkedHashMap<>();
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            while (rs.next()) {
                K key = setup.key().reader().map(rs);
                int keyColumns = setup.key().columns().size();
                V row = value.apply(new PlainRow<>() {
                    @Override
                    public K key() {
                        return key;
                    }

                    @Override
                    public String column(int index) {
                        try {
                            return rs.getString(keyColumns + index - 1);
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                rows.put(key, row);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void execute(DataSource dataSource, String sql, Object... parameters) {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
