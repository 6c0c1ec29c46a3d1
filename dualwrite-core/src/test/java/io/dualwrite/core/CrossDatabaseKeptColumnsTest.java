package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.AbstractKeptColumnsTest.Customer;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Kept columns need both sides in one database: across two, two writes of a key would write NEW and OLD's kept
 * columns in commit orders no transaction orders (NEW written first in READ_NEW and DROP_OLD, the kept columns after
 * its commit), and an OLD row could end with one write's name and the other's email. Such a migration is refused
 * when it is built, with the fix.
 */
class CrossDatabaseKeptColumnsTest {

    @Test
    void keptColumnsAcrossTwoDatabasesAreRefusedWithTheFix() {
        JdbcTransactions mariadb = JdbcTransactions.of(TestDatabases.mariadb().dataSource());
        JdbcTransactions postgres = JdbcTransactions.of(TestDatabases.postgres().dataSource());
        JdbcStore<Long, Customer> old = JdbcStore.builder(mariadb, Long.class, Customer.class)
                .table("kept_old")
                .key("id", Customer::id)
                .columns("full_name")
                .keptColumns("email")
                .mapper(rs -> new Customer(rs.getLong("id"), rs.getString("full_name"), rs.getString("email")))
                .binder((c, row) -> row.set("full_name", c.fullName()).set("email", c.email()))
                .build();

        assertThatThrownBy(() -> Migration.builder("kept-across", Long.class, old, People.newStore(postgres, "kept"))
                        .toNew(c -> People.split(new People.Person(c.id(), c.fullName())))
                        .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("keeps columns")
                .hasMessageContaining("another database")
                .hasMessageContaining("Move the NEW table into OLD's database");
    }
}
