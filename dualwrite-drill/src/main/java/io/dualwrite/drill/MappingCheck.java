package io.dualwrite.drill;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.FieldDiffer;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.core.store.MigrationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The mapping checks a team runs on its own migration before DUAL_WRITE (and in every build): on values its
 * generators make up, independently on each side,
 *
 * <ul>
 *   <li>OLD -> NEW keeps the key;
 *   <li>NEW -> OLD -> NEW is the identity under the migration's equivalence, on generated NEW values and not only on
 *       images of {@code toNew}, so that a rollback from DROP_OLD, which rebuilds OLD from NEW, loses nothing
 *       (values declared {@code onlyInNew} are skipped: OLD does not hold them by design);
 *   <li>OLD -> NEW -> OLD -> NEW is the identity too (what the re-sync after DROP_OLD relies on);
 *   <li>the declared {@link SqlMapping} computes, in the database, what the Java mapping computes: the generated OLD
 *       rows and their Java-mapped NEW rows are written inside one transaction that is always rolled back, and
 *       compared column by column by the database itself.
 * </ul>
 *
 * <pre>{@code
 * MappingCheck.of(migration)
 *         .oldValues(random -> new Customer(random.nextLong(1, 1_000_000), Names.random(random)))
 *         .newValues(random -> new CustomerName(random.nextLong(1, 1_000_000), first(random), last(random)))
 *         .samples(500)
 *         .run()
 *         .assertPasses();
 * }</pre>
 *
 * <p>Every failure names the value and the seed that reproduce it; among the failures of one kind the report leads
 * with the smallest value (by its text), which is usually the easiest to read.
 *
 * @param <K> the key type
 * @param <O> the OLD representation
 * @param <N> the NEW representation
 */
public final class MappingCheck<K, O, N> {

    /** The default number of generated values per check. */
    public static final int DEFAULT_SAMPLES = 200;

    private final Migration<K, O, N> migration;
    private @Nullable Function<SplittableRandom, O> oldValues;
    private @Nullable Function<SplittableRandom, N> newValues;
    private int samples = DEFAULT_SAMPLES;
    private long seed = Long.getLong("dualwrite.seed", System.nanoTime());

    private MappingCheck(Migration<K, O, N> migration) {
        this.migration = Objects.requireNonNull(migration, "migration");
    }

    /** Starts the checks of a migration. */
    public static <K, O, N> MappingCheck<K, O, N> of(Migration<K, O, N> migration) {
        return new MappingCheck<>(migration);
    }

    /** How to make up OLD values (like the rows the application has); required for the OLD -> NEW checks. */
    public MappingCheck<K, O, N> oldValues(Function<SplittableRandom, O> generator) {
        this.oldValues = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /**
     * How to make up NEW values independently of {@code toNew} (values the new model can hold that no OLD value maps
     * to, too); required for the NEW -> OLD -> NEW check.
     */
    public MappingCheck<K, O, N> newValues(Function<SplittableRandom, N> generator) {
        this.newValues = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /** How many values each check makes up. Default {@value #DEFAULT_SAMPLES}. */
    public MappingCheck<K, O, N> samples(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, but was " + samples);
        }
        this.samples = samples;
        return this;
    }

    /** The seed of the generators; default {@code -Ddualwrite.seed}, else a fresh one (printed in the report). */
    public MappingCheck<K, O, N> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Runs every check the declared generators and the migration allow. */
    public MappingReport run() {
        if (oldValues == null && newValues == null) {
            throw new IllegalStateException("Migration '" + migration.name() + "': give oldValues(...) and/or"
                    + " newValues(...) generators: the checks need values to map");
        }
        List<O> olds = oldValues == null ? List.of() : generate(oldValues, seed);
        List<N> news = newValues == null ? List.of() : generate(newValues, seed + 1);
        return check(migration, olds, news, true, seed, null);
    }

    /**
     * The checks on a sample of an existing database's rows (a production copy, say), before DUAL_WRITE: up to
     * {@code rows} OLD rows and as many NEW rows (if NEW holds any) are read through the migration's stores in
     * read-only transactions that are always rolled back, and the key and round-trip checks run on them. The SQL
     * mapping check, which writes, does not run on a sample. The stores must be {@code JdbcStore}s (or stores on
     * {@code JdbcTransactions}), so that their transactions can be made read only.
     *
     * <pre>{@code
     * MappingCheck.onSample(nameSplit, 10_000).assertPasses();
     * }</pre>
     *
     * @param rows the most rows read per side, from the first key on
     */
    public static <K, O, N> MappingReport onSample(Migration<K, O, N> migration, int rows) {
        return MappingSample.check(migration, rows);
    }

    /** Runs the key and round-trip checks (and, with {@code sql}, the SQL mapping check) on the given values. */
    static <K, O, N> MappingReport check(
            Migration<K, O, N> migration, List<O> olds, List<N> news, boolean sql, long seed, @Nullable String sample) {
        return new MappingCheck<>(migration).checkValues(olds, news, sql, seed, sample);
    }

    private MappingReport checkValues(List<O> olds, List<N> news, boolean sql, long seed, @Nullable String sample) {
        List<MappingReport.Failure> failures = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        if (!olds.isEmpty()) {
            ran.add("OLD -> NEW keeps the key (" + olds.size() + " values)");
            olds.forEach(old -> keyKept(old, failures));
        }
        if (migration.hasReverseMapping()) {
            if (!news.isEmpty()) {
                ran.add("NEW -> OLD -> NEW is the identity (" + news.size() + " values)");
                news.stream().filter(n -> !migration.onlyInNew(n)).forEach(n -> newRoundTrip(n, failures));
            }
            if (!olds.isEmpty()) {
                ran.add("OLD -> NEW -> OLD -> NEW is the identity (" + olds.size() + " values)");
                olds.forEach(old -> oldRoundTrip(old, failures));
            }
        }
        if (sql && migration.sqlMapping().isPresent() && !olds.isEmpty()) {
            ran.add("the SQL mapping computes what toNew computes (" + olds.size() + " rows)");
            sqlAgreement(olds, failures);
        }
        failures.sort(Comparator.comparing(MappingReport.Failure::check)
                .thenComparing(f -> f.value().length())
                .thenComparing(MappingReport.Failure::value));
        return new MappingReport(migration.name(), seed, ran, failures, sample);
    }

    private <V> List<V> generate(Function<SplittableRandom, V> generator, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<V> values = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            values.add(generator.apply(random.split()));
        }
        return values;
    }

    private void keyKept(O old, List<MappingReport.Failure> failures) {
        try {
            migration.toNew(old); // throws when the key changed
        } catch (RuntimeException e) {
            failures.add(new MappingReport.Failure("OLD -> NEW", render(old), e.getMessage()));
        }
    }

    private void newRoundTrip(N value, List<MappingReport.Failure> failures) {
        try {
            N back = migration.toNew(migration.toOld(value));
            if (!migration.equivalence().equivalent(value, back)) {
                failures.add(new MappingReport.Failure(
                        "NEW -> OLD -> NEW",
                        render(value),
                        "comes back as " + render(back) + ": " + diff(value, back)
                                + "; a rollback from DROP_OLD would lose this"));
            }
        } catch (RuntimeException e) {
            failures.add(new MappingReport.Failure("NEW -> OLD -> NEW", render(value), e.getMessage()));
        }
    }

    private void oldRoundTrip(O old, List<MappingReport.Failure> failures) {
        try {
            N once = migration.toNew(old);
            N twice = migration.toNew(migration.toOld(once));
            if (!migration.equivalence().equivalent(once, twice)) {
                failures.add(new MappingReport.Failure(
                        "OLD -> NEW -> OLD -> NEW",
                        render(old),
                        "maps to " + render(once) + " and back to " + render(twice) + ": " + diff(once, twice)));
            }
        } catch (RuntimeException e) {
            failures.add(new MappingReport.Failure("OLD -> NEW -> OLD -> NEW", render(old), e.getMessage()));
        }
    }

    /**
     * Writes the OLD rows and their Java-mapped NEW rows in one transaction, asks the database which NEW rows differ
     * from the SQL mapping's expressions over their OLD rows, and rolls the transaction back whatever happens.
     */
    private void sqlAgreement(List<O> olds, List<MappingReport.Failure> failures) {
        MigrationStore<K, O> oldStore = migration.oldStore();
        MigrationStore<K, N> newStore = migration.newStore();
        if (!(oldStore instanceof JdbcStore<K, O> old) || !(newStore instanceof JdbcStore<K, N> fresh)) {
            failures.add(
                    new MappingReport.Failure("SQL mapping", "(all)", "a SQL mapping needs JdbcStores on both sides"));
            return;
        }
        if (old.keyColumns().size() > 1 || fresh.keyColumns().size() > 1) {
            failures.add(new MappingReport.Failure(
                    "SQL mapping",
                    "(all)",
                    "the SQL agreement check compares single-column keys only, but the keys are "
                            + old.keyColumns() + " and " + fresh.keyColumns()
                            + "; the other checks ran, and the verifier compares a composite-key SQL mapping with"
                            + " the Java mapping (MappingSample)"));
            return;
        }
        Map<K, O> byKey = new LinkedHashMap<>();
        Map<K, N> mappedByKey = new LinkedHashMap<>();
        for (O value : olds) {
            try {
                N mappedValue = migration.toNew(value);
                byKey.put(oldStore.keyOf(value), value); // the last value of a key made up twice
                mappedByKey.put(oldStore.keyOf(value), mappedValue);
            } catch (RuntimeException e) {
                // reported by the OLD -> NEW check; it has no NEW row to compare
            }
        }
        if (byKey.isEmpty()) {
            return;
        }
        List<O> rows = List.copyOf(byKey.values());
        List<N> mapped = List.copyOf(mappedByKey.values());
        SqlMapping mapping = migration.sqlMapping().orElseThrow();
        String sameValue = old.transactions().dialect() == SqlDialect.MARIADB ? " <=> " : " IS NOT DISTINCT FROM ";
        List<String> columns = fresh.columns();
        StringBuilder computed = new StringBuilder("SELECT " + old.keyColumn() + " AS dw_key");
        for (int i = 0; i < columns.size(); i++) {
            computed.append(", ")
                    .append(mapping.expressions().get(columns.get(i)))
                    .append(" AS dw_c")
                    .append(i);
        }
        // The expressions name OLD's columns: computed over OLD alone, they cannot clash with NEW's column names.
        computed.append(" FROM ")
                .append(old.table())
                .append(" WHERE ")
                .append(old.keyColumn())
                .append(" IN (")
                .append(String.join(", ", java.util.Collections.nCopies(rows.size(), "?")))
                .append(")");
        StringBuilder same = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            same.append(i == 0 ? "" : " AND ")
                    .append("n.")
                    .append(columns.get(i))
                    .append(sameValue)
                    .append("m.dw_c")
                    .append(i);
        }
        // A left join: a generated row that NEW lacks counts as differing too.
        String sql = "SELECT m.dw_key FROM (" + computed + ") m LEFT JOIN " + fresh.table() + " n ON n."
                + fresh.keyColumn() + " = m.dw_key WHERE n." + fresh.keyColumn() + " IS NULL OR NOT (" + same + ")";
        List<K> disagreeing;
        try {
            disagreeing = inRolledBackTransaction(old, () -> {
                oldStore.upsertAll(rows);
                newStore.upsertAll(mapped);
                return old.transactions().withConnection(c -> {
                    long computedRows;
                    try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM (" + computed + ") m")) {
                        int index = 1;
                        for (K key : byKey.keySet()) {
                            count.setObject(index++, key);
                        }
                        try (ResultSet rs = count.executeQuery()) {
                            rs.next();
                            computedRows = rs.getLong(1);
                        }
                    }
                    if (computedRows != byKey.size()) {
                        throw new IllegalStateException("the OLD table returned " + computedRows + " of the "
                                + byKey.size() + " rows just written: are both stores in one database?");
                    }
                    try (PreparedStatement select = c.prepareStatement(sql)) {
                        int index = 1;
                        for (K key : byKey.keySet()) {
                            select.setObject(index++, key);
                        }
                        List<K> keys = new ArrayList<>();
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                keys.add(rs.getObject(1, migration.keyType()));
                            }
                        }
                        return keys;
                    }
                });
            });
        } catch (RuntimeException e) {
            failures.add(new MappingReport.Failure("SQL mapping", "(all)", "could not be compared: " + e));
            return;
        }
        for (K key : disagreeing) {
            O value = byKey.get(key);
            if (value == null) {
                failures.add(new MappingReport.Failure(
                        "SQL mapping",
                        String.valueOf(key),
                        "the database returned a key in another form than written"));
                continue;
            }
            failures.add(new MappingReport.Failure(
                    "SQL mapping",
                    render(value),
                    "the SQL mapping computes another NEW row than toNew(...) = " + render(migration.toNew(value))));
        }
    }

    private static <T> T inRolledBackTransaction(JdbcStore<?, ?> store, java.util.function.Supplier<T> work) {
        final class Rollback extends RuntimeException {
            final transient Object result;

            Rollback(Object result) {
                super(null, null, false, false);
                this.result = result;
            }
        }
        try {
            // A transaction of its own: joined to a caller's, its rows would commit with the caller's.
            store.transactions().inNewTransaction(() -> {
                throw new Rollback(work.get());
            });
        } catch (Rollback done) {
            @SuppressWarnings("unchecked")
            T result = (T) done.result;
            return result;
        }
        throw new IllegalStateException("unreachable: the check's transaction always rolls back");
    }

    private String diff(N expected, N actual) {
        return FieldDiffer.differences(expected, actual).stream()
                .map(d -> d.field() + ": " + FieldDiffer.render(d.expected()) + " -> " + FieldDiffer.render(d.actual()))
                .collect(Collectors.joining(", "));
    }

    private static String render(@Nullable Object value) {
        return FieldDiffer.render(value);
    }
}
