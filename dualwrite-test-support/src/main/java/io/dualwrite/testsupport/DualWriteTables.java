package io.dualwrite.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Makes a shared test database forget what earlier runs stored about some migrations in dualwrite's tables
 * (phase, audit trail, copy, verification, ledger, instances), so that a test starts them from OLD_ONLY.
 */
public final class DualWriteTables {

    private static final String[] TABLES = {
        "dualwrite_phase",
        "dualwrite_audit",
        "dualwrite_backfill",
        "dualwrite_backfill_partition",
        "dualwrite_verification",
        "dualwrite_divergence",
        "dualwrite_instance",
        "dualwrite_resync",
        "dualwrite_fence",
        "dualwrite_old_side"
    };

    private DualWriteTables() {}

    /** Deletes every row of the named migrations; a table that does not exist yet is skipped. */
    public static void forget(DataSource dataSource, String... migrations) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (String table : TABLES) {
                for (String migration : migrations) {
                    try (PreparedStatement delete =
                            connection.prepareStatement("DELETE FROM " + table + " WHERE migration = ?")) {
                        delete.setString(1, migration);
                        delete.executeUpdate();
                    } catch (SQLException e) {
                        // The table does not exist yet: the application under test creates it.
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reach the test database: " + e.getMessage(), e);
        }
    }
}
