package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.store.MigrationStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, when a migration with a {@link KeySequence} is registered, that the sequence can be the one source of ids
 * of both sides: OLD's key column draws from it or from nothing (every other writer of OLD must use the same
 * sequence), neither side refuses explicit ids ({@code GENERATED ALWAYS}), OLD is no {@code AUTO_INCREMENT} or H2
 * identity (no sequence to draw from), and the sequence exists and would hand out no id either table holds. Each
 * refusal says the fix. A table not there yet is logged and not checked.
 */
public final class KeySequenceCheck {

    private static final Logger log = LoggerFactory.getLogger(KeySequenceCheck.class);

    private KeySequenceCheck() {}

    /**
     * Checks a migration's key sequence against its stores (only the {@link JdbcStore}s among them).
     *
     * @throws InvalidMigrationException naming the problem and the fix
     */
    public static void check(String migration, KeySequence keys, MigrationStore<?, ?> old, MigrationStore<?, ?> fresh) {
        String where = "Migration '" + migration + "'";
        String sequence = keys.sequence();
        if (old instanceof JdbcStore<?, ?> jdbc) {
            checkOld(where, keys, sequence, jdbc);
        }
        if (fresh instanceof JdbcStore<?, ?> jdbc) {
            generator(where, Side.NEW, jdbc).ifPresent(generator -> {
                if (generator.kind() == KeyGenerator.Kind.IDENTITY_ALWAYS) {
                    throw new InvalidMigrationException(
                            generatedAlways(where + ", NEW side", jdbc.table(), jdbc.keyColumn()));
                }
                if (generator.kind() != KeyGenerator.Kind.NONE && !sameSequence(generator, keys, jdbc)) {
                    log.info(
                            "{}: NEW's key column {}.{} has a generator of its own ({}), unused while the migration"
                                    + " runs (dualwrite writes the ids it draws from {}); the finishing checklist"
                                    + " restarts it above every id",
                            where,
                            jdbc.table(),
                            jdbc.keyColumn(),
                            generator.kind(),
                            sequence);
                }
            });
        }
        Optional<Long> next = keys.peekNext();
        if (next.isEmpty()) {
            throw new InvalidMigrationException(where + " draws its keys from sequence " + sequence + ", which does not"
                    + " exist in " + keys.transactions().dialect() + "; create it starting above every id of both"
                    + " tables: CREATE SEQUENCE " + sequence + " START WITH n");
        }
        for (MigrationStore<?, ?> store : new MigrationStore<?, ?>[] {old, fresh}) {
            maxKey(store).filter(max -> next.get() <= max).ifPresent(max -> {
                throw new InvalidMigrationException(where + ": sequence " + sequence + " would hand out " + next.get()
                        + " next, but " + store.description() + " holds ids up to " + max + "; the sides would"
                        + " collide. Restart it above every id: " + keys.restartSql(max + 1));
            });
        }
    }

    private static void checkOld(String where, KeySequence keys, String sequence, JdbcStore<?, ?> old) {
        generator(where, Side.OLD, old).ifPresent(generator -> {
            String table = old.table();
            String column = old.keyColumn();
            switch (generator.kind()) {
                case IDENTITY_ALWAYS -> throw new InvalidMigrationException(generatedAlways(where, table, column));
                case AUTO_INCREMENT ->
                    throw new InvalidMigrationException(autoIncrement(where, table, column, generator.columnType()));
                case IDENTITY, SEQUENCE -> {
                    if (generator.sequence() == null) {
                        throw new InvalidMigrationException(where + ": "
                                + hiddenIdentity(old.transactions().dialect(), table, column, generator.columnType()));
                    }
                    if (!sameSequence(generator, keys, old)) {
                        throw new InvalidMigrationException(where + ": OLD's key column " + table + "." + column
                                + " draws from " + generator.sequence() + ", but the migration's keys come from "
                                + sequence + " (" + keys.transactions().dialect() + "); two generators hand out the"
                                + " same ids. Declare keys(KeySequence.ofColumn(transactions, \"" + table + "\", \""
                                + column + "\")), or make " + sequence + " the column's default");
                    }
                }
                case NONE ->
                    log.info(
                            "{}: OLD's key column {}.{} has no generator; every writer of it must draw its ids from {}",
                            where,
                            table,
                            column,
                            sequence);
            }
        });
    }

    private static boolean sameSequence(KeyGenerator generator, KeySequence keys, JdbcStore<?, ?> store) {
        return generator.drawsFrom(keys.sequence()) && store.transactions().equals(keys.transactions());
    }

    private static Optional<KeyGenerator> generator(String where, Side side, JdbcStore<?, ?> store) {
        Optional<KeyGenerator> generator = KeyGenerator.read(store.transactions(), store.table(), store.keyColumn());
        if (generator.isEmpty()) {
            log.warn(
                    "{}: the {} table {} is not there yet; its key generator was not checked",
                    where,
                    side,
                    store.table());
        }
        return generator;
    }

    private static Optional<Long> maxKey(MigrationStore<?, ?> store) {
        try {
            return store.maxKey().filter(Number.class::isInstance).map(key -> ((Number) key).longValue());
        } catch (StoreException e) {
            return Optional.empty(); // no table yet
        }
    }

    /** Why a {@code GENERATED ALWAYS} identity is refused, and the fix. */
    static String generatedAlways(String where, String table, String column) {
        return where + ": " + table + "." + column + " is GENERATED ALWAYS AS IDENTITY, which refuses the explicit ids"
                + " dualwrite writes (each id drawn is written to both sides). Let it take them: ALTER TABLE " + table
                + " ALTER COLUMN " + column + " SET GENERATED BY DEFAULT (inserts that leave the id out still get one)";
    }

    /** Why MariaDB's {@code AUTO_INCREMENT} on OLD is refused, and the fix. */
    static String autoIncrement(String where, String table, String column, String type) {
        String sequence = sequenceNameFor(table, column);
        return where + ": " + table + "." + column + " is AUTO_INCREMENT, a counter with no sequence to draw from in"
                + " every phase (carrying the id generated by whichever side is written first needs two counters,"
                + " which collide while instances route by different phases, and in DROP_OLD OLD is not written)."
                + " Make a sequence its default: CREATE SEQUENCE " + sequence + " START WITH n (n above SELECT MAX("
                + column + ") FROM " + table + "); ALTER TABLE " + table + " MODIFY " + column + " " + type
                + " NOT NULL DEFAULT NEXTVAL(" + sequence + "); then declare keys(KeySequence.of(transactions, \""
                + sequence + "\"))";
    }

    /** Why an identity whose sequence the database does not name (H2) is refused, and the fix. */
    static String hiddenIdentity(SqlDialect dialect, String table, String column, String type) {
        String sequence = sequenceNameFor(table, column);
        return table + "." + column + " is an identity column whose sequence " + dialect + " does not name, so"
                + " dualwrite cannot draw from it. Make a sequence its default: CREATE SEQUENCE " + sequence
                + " START WITH n (n above SELECT MAX(" + column + ") FROM " + table + "); ALTER TABLE " + table
                + " ALTER COLUMN " + column + " DROP IDENTITY; ALTER TABLE " + table + " ALTER COLUMN " + column
                + " SET DEFAULT NEXT VALUE FOR " + sequence + "; then declare keys(KeySequence.of(transactions, \""
                + sequence + "\"))";
    }

    private static String sequenceNameFor(String table, String column) {
        return table.substring(table.indexOf('.') + 1) + "_" + column + "_seq";
    }
}
