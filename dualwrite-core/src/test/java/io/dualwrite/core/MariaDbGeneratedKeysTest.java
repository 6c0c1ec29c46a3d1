package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.KeySequence;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Generated ids on MariaDB (see {@link AbstractGeneratedKeysTest}): OLD's key starts as {@code AUTO_INCREMENT};
 * once it holds history it is turned into a {@code NEXTVAL} default of a sequence started above every id, as the
 * refusal of {@code AUTO_INCREMENT} says, and dualwrite draws from that sequence.
 */
class MariaDbGeneratedKeysTest extends AbstractGeneratedKeysTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String prefix() {
        return "genkeys_mdb";
    }

    @Override
    protected void createOldTable(DataSource dataSource, String table, String sequence) {
        execute(dataSource, "DROP TABLE IF EXISTS " + table);
        execute(dataSource, "DROP SEQUENCE IF EXISTS " + sequence);
        execute(
                dataSource,
                "CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, full_name VARCHAR(200))");
    }

    /** The fix the refusal of AUTO_INCREMENT gives. */
    @Override
    protected void adoptGenerator(DataSource dataSource, String table, String sequence) {
        execute(
                dataSource,
                "CREATE SEQUENCE " + sequence + " START WITH " + (H2GeneratedKeysTest.maxId(dataSource, table) + 1));
        execute(dataSource, "ALTER TABLE " + table + " MODIFY id BIGINT NOT NULL DEFAULT NEXTVAL(" + sequence + ")");
    }

    @Override
    protected KeySequence keys(JdbcTransactions transactions, String table, String sequence) {
        return KeySequence.of(transactions, sequence);
    }

    @Test
    void anAutoIncrementOldKeyIsRefusedWithTheFix() {
        execute("CREATE SEQUENCE " + sequenceName());
        assertThatThrownBy(() -> instance(migrationName(), "refused", Duration.ZERO, false))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("is AUTO_INCREMENT")
                .hasMessageContaining("ALTER TABLE " + oldTable() + " MODIFY id bigint(20) NOT NULL DEFAULT NEXTVAL(");
        assertThatThrownBy(() ->
                        KeySequence.ofColumn(transactions(), oldTable(), "id").nextKey())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("is AUTO_INCREMENT");
        execute("DROP SEQUENCE " + sequenceName());
        adoptGenerator(database().dataSource(), oldTable(), sequenceName());
        assertThat(instance(migrationName(), "accepted", Duration.ZERO, false)).isNotNull();
        assertThat(KeySequence.ofColumn(transactions(), oldTable(), "id").sequence())
                .endsWith(sequenceName());
    }
}
