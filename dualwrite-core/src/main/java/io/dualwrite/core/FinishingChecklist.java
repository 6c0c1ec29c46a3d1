package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.store.MigrationStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What is left to do once a migration reached DROP_OLD, in order, with this migration's names in it: the steps a
 * team takes in its own code and schema scripts, which dualwrite cannot take for it (docs/finishing.md).
 */
final class FinishingChecklist {

    private FinishingChecklist() {}

    static List<String> of(Migration<?, ?, ?> migration, boolean finished) {
        String name = migration.name();
        List<String> steps = new ArrayList<>();
        if (!finished) {
            steps.add("Finish the migration once DROP_OLD has soaked: POST /actuator/dualwrite/" + name
                    + " {\"action\": \"finish\", \"reason\": ...} or dualWrite.managed(\"" + name
                    + "\").finish(request). This is the point of no return: no move back to READ_NEW afterwards.");
        }
        steps.add("Check that nothing reads or writes the old side any more ("
                + migration.oldStore().description() + "): " + usageCheck(migration.oldStore()));
        GeneratedKeys.finishingStep(migration).ifPresent(steps::add);
        steps.add("Remove the migration bean '" + name + "' and its DualRepository from the application; read and write"
                + " the NEW store (" + migration.newStore().description() + ") through its own repository.");
        steps.add("Drop the old table or columns (" + migration.oldStore().description()
                + ") in your own Flyway or Liquibase script, after the deploy without the migration bean.");
        steps.add("When its history is no longer needed, purge the migration's rows from dualwrite's tables:"
                + " DualWriteSchema.purge(phaseDataSource, \"" + name + "\", otherDataSources...), once no instance"
                + " runs it any more.");
        return List.copyOf(steps);
    }

    /** The SQL that shows whether anything still touches the old table, where the store is a JDBC table. */
    private static String usageCheck(MigrationStore<?, ?> old) {
        if (!(old instanceof JdbcStore<?, ?> jdbc)) {
            return "check the old store's own access logs";
        }
        String table = jdbc.table();
        SqlDialect dialect;
        try {
            dialect = jdbc.transactions().dialect();
        } catch (RuntimeException e) {
            return "check the database's statistics for table " + table;
        }
        return switch (dialect) {
            case POSTGRESQL ->
                "run SELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
                        + " WHERE relname = '" + table + "' twice, a day apart: the counts must not grow"
                        + (jdbc.sharesRows() ? " (this table is shared: check the migrated columns' writers too)" : "");
            case MARIADB ->
                "run SELECT COUNT_READ, COUNT_WRITE FROM performance_schema.table_io_waits_summary_by_table"
                        + " WHERE OBJECT_NAME = '" + table + "' twice, a day apart: the counts must not grow";
            case H2 -> "check the application's logs for statements on " + table;
        };
    }
}
