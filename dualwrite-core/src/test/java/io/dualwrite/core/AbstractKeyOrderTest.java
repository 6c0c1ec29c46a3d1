package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.core.verify.Divergence;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationState;
import io.dualwrite.core.verify.Verifier;
import io.dualwrite.core.verify.VerifierOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys that the database orders otherwise than Java's {@code compareTo}: UUIDs (PostgreSQL compares unsigned bytes,
 * MariaDB swaps the segments, H2 compares unsigned halves; Java compares signed halves) and strings with mixed case,
 * accents and trailing spaces under a linguistic or case-insensitive collation. Verification walks both sides in
 * the database's own order, so it terminates, checks every key once and finds every difference planted behind the
 * library's back; the shadow reader tells keys the backfill has not reached from missing ones by the same order.
 * One subclass per database (or pair of databases).
 */
abstract class AbstractKeyOrderTest {

    /** The value on both sides: the mapping is the identity, so any difference is planted. */
    record Item<K>(K id, String payload) {}

    private static final int CHUNK = 17;

    private DualWrite dualWrite;

    protected abstract DataSource database();

    /** How many threads the verification walks each side with. */
    protected int verifierWorkers() {
        return 1;
    }

    protected abstract String prefix();

    /** The column type of a UUID key. */
    protected abstract String uuidColumn();

    /** The column type of a string key, with the collation under test. */
    protected abstract String stringColumn();

    /** The database of NEW: by default OLD's (one database). */
    protected DataSource newDatabase(DataSource oldDatabase) {
        return oldDatabase;
    }

    /** The column type of NEW's UUID key: by default OLD's. */
    protected String newUuidColumn() {
        return uuidColumn();
    }

    /** The column type of NEW's string key: by default OLD's. */
    protected String newStringColumn() {
        return stringColumn();
    }

    /**
     * Whether the string key column tells keys apart that differ only in case, accents or trailing spaces (a
     * deterministic PostgreSQL collation, H2); false for MariaDB's default {@code utf8mb4_general_ci}.
     */
    protected abstract boolean distinguishesCaseAndAccents();

    @AfterEach
    void close() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void uuidKeysAreVerifiedInTheDatabasesOrderAndEveryPlantedDifferenceIsFound(long seed) {
        Random random = new Random(seed);
        Set<UUID> used = new HashSet<>();
        List<UUID> keys = new ArrayList<>();
        while (keys.size() < 300) {
            UUID key = uuid(random);
            if (used.add(key)) {
                keys.add(key);
            }
        }
        List<UUID> extras = new ArrayList<>();
        while (extras.size() < 4) {
            UUID key = uuid(random);
            if (used.add(key)) {
                extras.add(key);
            }
        }
        Scenario<UUID> scenario =
                new Scenario<>(UUID.class, uuidColumn(), newUuidColumn(), "uuid", keys, extras, random, false);

        scenario.verify(seed, 0);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void stringKeysThatJavaOrdersOtherwiseAreVerifiedCompletely(long seed) {
        Random random = new Random(seed);
        List<String> generated = stringKeys(random, 304, distinguishesCaseAndAccents());
        List<String> keys = new ArrayList<>(generated.subList(0, 300));
        keys.add("~tilde");
        List<String> extras = generated.subList(300, 304);
        Scenario<String> scenario =
                new Scenario<>(String.class, stringColumn(), newStringColumn(), "str", keys, extras, random, false);

        scenario.plantCaseVariant();
        scenario.verify(seed, 0);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void anInterruptedVerificationOfStringKeysResumesInBothWalks(long seed) {
        Random random = new Random(seed);
        List<String> generated = stringKeys(random, 154, distinguishesCaseAndAccents());
        List<String> keys = new ArrayList<>(generated.subList(0, 150));
        keys.add("~tilde");
        List<String> extras = generated.subList(150, 154);
        Scenario<String> scenario =
                new Scenario<>(String.class, stringColumn(), newStringColumn(), "resume", keys, extras, random, false);

        scenario.plantCaseVariant();
        scenario.verify(seed, 2 * verifierWorkers());
    }

    /**
     * With a SQL mapping in PostgreSQL or MariaDB, chunks are compared by checksums first; a chunk whose checksums
     * differ is compared row by row, both ways, by equality. (H2 has no checksums: the rows are compared.)
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void stringKeysCheckedByChecksumsAreComparedByRowInTheDatabasesOrder(long seed) {
        Random random = new Random(seed);
        List<String> generated = stringKeys(random, 304, distinguishesCaseAndAccents());
        List<String> keys = new ArrayList<>(generated.subList(0, 300));
        List<String> extras = generated.subList(300, 304);
        Scenario<String> scenario =
                new Scenario<>(String.class, stringColumn(), newStringColumn(), "sum", keys, extras, random, true);

        scenario.plantCaseVariant();
        scenario.verify(seed, 0);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void notYetBackfilledFollowsTheDatabasesOrderOfStringKeys(long seed) {
        Random random = new Random(seed);
        DataSource dataSource = database();
        DataSource newDataSource = newDatabase(dataSource);
        String oldTable = prefix() + "_shadow_old";
        String newTable = prefix() + "_shadow_new";
        createTable(dataSource, stringColumn(), oldTable);
        createTable(newDataSource, newStringColumn(), newTable);
        List<String> keys = stringKeys(random, 120, distinguishesCaseAndAccents());
        insert(dataSource, oldTable, keys, "p");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcTransactions newTransactions =
                newDataSource == dataSource ? transactions : JdbcTransactions.of(newDataSource);
        Migration<String, Item<String>, Item<String>> migration = Migration.builder(
                        "key-order-shadow-" + UUID.randomUUID(),
                        String.class,
                        store(transactions, String.class, oldTable),
                        store(newTransactions, String.class, newTable))
                .toNew(item -> item)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .backfillOptions(BackfillOptions.defaults().withChunkSizes(40, 40, 40))
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(20)))
                .shadowReadExecutor(2, 1024)
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
        AtomicInteger chunks = new AtomicInteger();
        dualWrite.backfill(migration.name()).run(() -> chunks.getAndIncrement() < 1);
        List<String> databaseOrder = keysInOrder(dataSource, oldTable);
        List<String> copied = databaseOrder.subList(0, 40);
        assertThat(dualWrite.backfill(migration.name()).progress().lastKey())
                .as("seed " + seed)
                .isEqualTo(copied.get(39));
        List<String> lost = new ArrayList<>(copied);
        Collections.shuffle(lost, random);
        lost = lost.subList(0, 5);
        for (String key : lost) {
            execute(newDataSource, "DELETE FROM " + newTable + " WHERE id = ?", key);
        }
        DualRepository<String, Item<String>, Item<String>> items = dualWrite.repository(migration);

        for (String key : keys) {
            assertThat(items.read(key)).isPresent();
        }

        ShadowReadStats[] stats = new ShadowReadStats[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            stats[0] = dualWrite.managed(migration.name()).shadowReads().stats();
            assertThat(stats[0].count(ShadowResult.MATCH)
                            + stats[0].count(ShadowResult.NOT_YET_BACKFILLED)
                            + stats[0].count(ShadowResult.MISSING_IN_CANDIDATE))
                    .isEqualTo(keys.size());
        });
        assertThat(List.of(
                        stats[0].count(ShadowResult.NOT_YET_BACKFILLED),
                        stats[0].count(ShadowResult.MISSING_IN_CANDIDATE),
                        stats[0].count(ShadowResult.MATCH)))
                .as("seed %d (-Ddualwrite.seed=%d): not yet backfilled, missing, match; %s", seed, seed, stats[0])
                .containsExactly(80L, 5L, 35L);
    }

    /** A migration of keys of one type with differences planted by plain SQL, and the expected findings. */
    private final class Scenario<K> {
        private final DataSource dataSource = database();
        private final DataSource newDataSource = newDatabase(dataSource);
        private final String oldTable;
        private final String newTable;
        private final Migration<K, Item<K>, Item<K>> migration;
        private final List<Tuple> expected = new ArrayList<>();
        private final List<K> untouched;
        private final Set<K> all = new HashSet<>();
        private final boolean checksumsExpected;
        private long keysInUnion;

        Scenario(
                Class<K> keyType,
                String column,
                String newColumn,
                String name,
                List<K> keys,
                List<K> extras,
                Random random,
                boolean sqlMapped) {
            all.addAll(keys);
            all.addAll(extras);
            oldTable = prefix() + "_" + name + "_old";
            newTable = prefix() + "_" + name + "_new";
            createTable(dataSource, column, oldTable);
            createTable(newDataSource, newColumn, newTable);
            insert(dataSource, oldTable, keys, "p");
            insert(newDataSource, newTable, keys, "p");
            JdbcTransactions transactions = JdbcTransactions.of(dataSource);
            JdbcTransactions newTransactions =
                    newDataSource == dataSource ? transactions : JdbcTransactions.of(newDataSource);
            Migration.Builder<K, Item<K>, Item<K>> builder = Migration.builder(
                            "key-order-" + name + "-" + UUID.randomUUID(),
                            keyType,
                            store(transactions, keyType, oldTable),
                            store(newTransactions, keyType, newTable))
                    .toNew(item -> item);
            // A SQL mapping needs one database; H2 has no checksums. There, rows are compared.
            boolean oneDatabase = newTransactions == transactions;
            checksumsExpected = sqlMapped && oneDatabase && transactions.dialect() != SqlDialect.H2;
            if (sqlMapped && oneDatabase) {
                builder.sqlMapping(
                        SqlMapping.builder().column("payload", "payload").build());
            }
            migration = builder.build();
            dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                    .singleInstance()
                    .migration(migration)
                    .verificationStore(new JdbcVerificationStore(dataSource))
                    .verifierOptions(VerifierOptions.from(new VerifierOptions(CHUNK, Duration.ZERO, 0))
                            .workers(verifierWorkers())
                            .build())
                    .build();
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
            untouched = new ArrayList<>(keys);
            Collections.shuffle(untouched, random);
            keysInUnion = keys.size();
            for (K key : take(4)) {
                execute(newDataSource, "DELETE FROM " + newTable + " WHERE id = ?", key);
                expected.add(tuple(key, Divergence.Kind.MISSING_IN_NEW));
            }
            for (K key : take(4)) {
                execute(newDataSource, "UPDATE " + newTable + " SET payload = 'changed' WHERE id = ?", key);
                expected.add(tuple(key, Divergence.Kind.DIFFERENT));
            }
            for (K key : take(3)) {
                execute(dataSource, "DELETE FROM " + oldTable + " WHERE id = ?", key);
                expected.add(tuple(key, Divergence.Kind.EXTRA_IN_NEW));
            }
            for (K key : extras) {
                execute(newDataSource, "INSERT INTO " + newTable + " (id, payload) VALUES (?, 'extra')", key);
                expected.add(tuple(key, Divergence.Kind.EXTRA_IN_NEW));
                keysInUnion++;
            }
        }

        private List<K> take(int count) {
            List<K> taken = new ArrayList<>(untouched.subList(0, count));
            untouched.subList(0, count).clear();
            return taken;
        }

        /**
         * Replaces a NEW key by the same key in upper case: where the column ignores case, the database sees one key
         * whose value differs; where it does not, a key missing in NEW and an extra one.
         */
        @SuppressWarnings("unchecked")
        void plantCaseVariant() {
            K key = null;
            String variant = null;
            for (K candidate : untouched) {
                String upper = ((String) candidate).toUpperCase(Locale.ROOT);
                if (!upper.equals(candidate) && !all.contains(upper)) {
                    key = candidate;
                    variant = upper;
                    break;
                }
            }
            untouched.remove(key);
            execute(newDataSource, "DELETE FROM " + newTable + " WHERE id = ?", key);
            execute(newDataSource, "INSERT INTO " + newTable + " (id, payload) VALUES (?, 'p')", variant);
            if (distinguishesCaseAndAccents()) {
                expected.add(tuple(key, Divergence.Kind.MISSING_IN_NEW));
                expected.add(tuple(variant, Divergence.Kind.EXTRA_IN_NEW));
                keysInUnion++;
            } else {
                expected.add(tuple(key, Divergence.Kind.DIFFERENT));
            }
        }

        /**
         * Verifies to the end, in one run, or in runs of {@code chunksPerRun} chunks each by a new verifier that
         * resumes from the checkpoint; asserts that every planted difference, and nothing else, was found.
         */
        void verify(long seed, int chunksPerRun) {
            // A parallel walk asked to stop compares again the ranges it had not stored: more chunks in all.
            int bound = 4 * (int) (keysInUnion / CHUNK + 2) * verifierWorkers() * verifierWorkers();
            AtomicInteger chunks = new AtomicInteger();
            List<Divergence<K, Item<K>>> reported = new ArrayList<>();
            VerificationProgress progress;
            boolean checksums;
            int runs = 0;
            do {
                Verifier<K, Item<K>, Item<K>> verifier =
                        dualWrite.managed(migration).verifier();
                AtomicInteger run = new AtomicInteger();
                progress = verifier.verify(() -> chunks.getAndIncrement() < bound
                        && (chunksPerRun == 0 || run.getAndIncrement() < chunksPerRun));
                reported.addAll(verifier.reported());
                checksums = verifier.comparesChecksumsInTheDatabase();
            } while (progress.state() == VerificationState.RUNNING && chunks.get() < bound && ++runs < bound);

            String context = "seed " + seed + " (-Ddualwrite.seed=" + seed + "), " + progress;
            assertThat(progress.state()).as(context).isEqualTo(VerificationState.COMPLETED);
            if (verifierWorkers() > 1 && chunksPerRun > 0) {
                // A resumed parallel walk compares the ranges after its checkpoint again and reports again what it
                // finds there; the stored counts, asserted below, count every key once.
                assertThat(new java.util.HashSet<>(reported))
                        .as(context)
                        .extracting(Divergence::key, Divergence::kind)
                        .containsExactlyInAnyOrderElementsOf(expected);
            } else {
                assertThat(reported)
                        .as(context)
                        .extracting(Divergence::key, Divergence::kind)
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(progress.rowsChecked()).as(context).isEqualTo(keysInUnion);
            assertThat(progress.divergences()).as(context).isEqualTo(expected.size());
            assertThat(progress.inFlight()).as(context).isZero();
            assertThat(checksums).as("compares checksums").isEqualTo(checksumsExpected);
        }
    }

    /**
     * A random RFC 4122 UUID of version 1, 4 or 7 (MariaDB refuses some others), half of them with the sign bit of
     * the high half set, so that Java's signed comparison disagrees with the databases' unsigned one.
     */
    private static UUID uuid(Random random) {
        long version = new long[] {1, 4, 7}[random.nextInt(3)];
        long high = (random.nextLong() & ~0xF000L) | (version << 12);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /**
     * Keys distinct under every collation tested (their letters, ignoring case, accents and trailing spaces,
     * differ), decorated with mixed case, accents and trailing spaces so that Java orders them otherwise than a
     * linguistic or case-insensitive collation. With {@code twins}, some keys share their letters and differ only in
     * decoration, for columns that tell them apart.
     */
    static List<String> stringKeys(Random random, int count, boolean twins) {
        Set<String> bases = new HashSet<>();
        Set<String> keys = new java.util.LinkedHashSet<>();
        while (keys.size() < count) {
            StringBuilder base = new StringBuilder();
            int length = 2 + random.nextInt(6);
            for (int i = 0; i < length; i++) {
                base.append((char) ('a' + random.nextInt(26)));
            }
            if (!bases.add(base.toString())) {
                continue;
            }
            keys.add(decorate(random, base.toString()));
            if (twins && keys.size() < count && random.nextInt(3) == 0) {
                keys.add(decorate(random, base.toString()));
            }
        }
        return new ArrayList<>(keys);
    }

    private static final String VOWELS = "aeiouc";
    private static final String[] ACCENTED = {"áàâä", "éèêë", "íï", "óôö", "úü", "ç"};

    private static String decorate(Random random, String base) {
        StringBuilder key = new StringBuilder();
        for (char c : base.toCharArray()) {
            int vowel = VOWELS.indexOf(c);
            char d = c;
            if (vowel >= 0 && random.nextInt(3) == 0) {
                String options = ACCENTED[vowel];
                d = options.charAt(random.nextInt(options.length()));
            }
            key.append(random.nextBoolean() ? Character.toUpperCase(d) : d);
        }
        if (random.nextInt(4) == 0) {
            key.append(random.nextBoolean() ? " " : "  ");
        }
        return key.toString();
    }

    /** Creates the table afresh, and dualwrite's tables in its database. */
    private static void createTable(DataSource dataSource, String keyColumn, String table) {
        DualWriteSchema.create(dataSource);
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (id " + keyColumn + " PRIMARY KEY, payload VARCHAR(100))");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <K> JdbcStore<K, Item<K>> store(JdbcTransactions transactions, Class<K> keyType, String table) {
        Class<Item<K>> itemType = (Class) Item.class;
        return JdbcStore.builder(transactions, keyType, itemType)
                .table(table)
                .key("id", Item::id)
                .columns("payload")
                .mapper(rs -> new Item<>(rs.getObject("id", keyType), rs.getString("payload")))
                .binder((item, row) -> row.set("payload", item.payload()))
                .build();
    }

    private static void insert(DataSource dataSource, String table, List<?> keys, String payload) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + table + " (id, payload) VALUES (?, ?)")) {
            for (Object key : keys) {
                insert.setObject(1, key);
                insert.setString(2, payload);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(DataSource dataSource, String sql, Object key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setObject(1, key);
            assertThat(statement.executeUpdate()).as(sql + " with " + key).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " with " + key, e);
        }
    }

    private static List<String> keysInOrder(DataSource dataSource, String table) {
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id FROM " + table + " ORDER BY id");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }
}
