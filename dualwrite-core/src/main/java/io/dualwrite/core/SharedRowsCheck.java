package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.MigrationStore;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a migration with a {@link JdbcStore.Builder#sharedRows() shared-rows} store whose columns cannot all be
 * NULL: its delete clears them to NULL (it must not delete the row another writer owns), so a NOT NULL column would
 * make every delete fail. Checked when {@link DualWrite} is built; a table not there yet is logged and not checked.
 */
final class SharedRowsCheck {

    private static final Logger log = LoggerFactory.getLogger(SharedRowsCheck.class);

    private SharedRowsCheck() {}

    /** @throws InvalidMigrationException naming the table, its NOT NULL columns and the fix */
    static void check(Migration<?, ?, ?> migration) {
        check(migration, Side.OLD, migration.oldStore());
        check(migration, Side.NEW, migration.newStore());
    }

    private static void check(Migration<?, ?, ?> migration, Side side, MigrationStore<?, ?> store) {
        if (!(store instanceof JdbcStore<?, ?> jdbc) || !jdbc.sharesRows()) {
            return;
        }
        Optional<List<String>> notNull = jdbc.notNullColumns();
        if (notNull.isEmpty()) {
            log.warn(
                    "Migration '{}': the {} table {} is not there yet; its shared columns were not checked",
                    migration.name(),
                    side,
                    jdbc.table());
            return;
        }
        if (!notNull.get().isEmpty()) {
            throw new InvalidMigrationException("Migration '" + migration.name() + "': the " + side + " store shares"
                    + " the rows of " + jdbc.table() + " (sharedRows()), and deleting a value clears its columns to"
                    + " NULL, but " + String.join(", ", notNull.get()) + " cannot be NULL there. Let those columns"
                    + " accept NULL (ALTER TABLE " + jdbc.table() + " ... DROP NOT NULL / MODIFY ... NULL), or leave"
                    + " them out of the store's columns");
        }
    }
}
