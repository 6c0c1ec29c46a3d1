package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.KeyCollation;
import io.dualwrite.core.model.InvalidMigrationException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a migration whose two key columns hold different string keys equal: a case-, accent- or
 * trailing-space-insensitive collation on one side and not on the other (across two databases, or in one database
 * with two collations). Such a migration can copy two keys into one, match a key with another spelling, or see a key
 * on one side that the other lacks, and no verification could tell.
 *
 * <p>Checked when {@link DualWrite} is built, for string keys of {@link JdbcStore}s on both sides, from each
 * database's catalog, and for composite keys column by column (which must be as many on both sides); other key types
 * compare alike everywhere. A table not there yet, or a catalog that cannot be
 * read, is logged and not checked.
 */
final class KeyEqualityCheck {

    private static final Logger log = LoggerFactory.getLogger(KeyEqualityCheck.class);

    private KeyEqualityCheck() {}

    /**
     * @throws InvalidMigrationException naming both key columns, their collations and the fix, if they hold
     *     different keys equal and the migration did not accept it
     */
    static void check(Migration<?, ?, ?> migration) {
        if (!(migration.oldStore() instanceof JdbcStore<?, ?> oldStore)
                || !(migration.newStore() instanceof JdbcStore<?, ?> newStore)) {
            return;
        }
        boolean composite =
                oldStore.keyColumns().size() > 1 || newStore.keyColumns().size() > 1;
        if (!composite && migration.keyType() != String.class) {
            return;
        }
        Optional<List<KeyCollation>> oldKey;
        Optional<List<KeyCollation>> newKey;
        try {
            oldKey = oldStore.keyCollations();
            newKey = newStore.keyCollations();
        } catch (RuntimeException e) {
            log.warn(
                    "Migration '{}': cannot read the key columns' collations; key equality not checked",
                    migration.name(),
                    e);
            return;
        }
        if (oldKey.isEmpty() || newKey.isEmpty()) {
            log.warn(
                    "Migration '{}': the key columns {}{} are not in their database's catalog yet; key equality not"
                            + " checked",
                    migration.name(),
                    oldKey.isEmpty() ? oldStore.table() : newStore.table(),
                    oldKey.isEmpty() ? oldStore.keyColumns() : newStore.keyColumns());
            return;
        }
        if (oldKey.get().size() != newKey.get().size()) {
            throw new InvalidMigrationException("Migration '" + migration.name() + "': its sides have different"
                    + " numbers of key columns, OLD " + oldStore.table() + " " + oldStore.keyColumns() + " and NEW "
                    + newStore.table() + " " + newStore.keyColumns() + "; both sides are walked in key order and"
                    + " matched by key, so declare the same key columns, in the same order, on both");
        }
        for (int i = 0; i < oldKey.get().size(); i++) {
            check(migration, oldKey.get().get(i), newKey.get().get(i));
        }
    }

    private static void check(Migration<?, ?, ?> migration, KeyCollation oldKey, KeyCollation newKey) {
        if (oldKey.sameEqualityAs(newKey)) {
            return;
        }
        String accepted = migration.keyCollationsAccepted();
        if (accepted != null) {
            log.info(
                    "Migration '{}': keys compare differently, OLD {} and NEW {}; accepted: {}",
                    migration.name(),
                    oldKey,
                    newKey,
                    accepted);
            return;
        }
        throw new InvalidMigrationException("Migration '" + migration.name() + "': its key columns hold different"
                + " keys equal: OLD " + oldKey + ", NEW " + newKey + ". Keys that differ only in case,"
                + " accents or trailing spaces would be one key on one side and two on the other. Make the key"
                + " collations agree (for keys equal only when identical: utf8mb4_nopad_bin on MariaDB, a"
                + " deterministic collation on PostgreSQL, H2's default), or, if no two keys differ that way, declare"
                + " it with acceptKeyCollations(reason)");
    }
}
