package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

class JdbcStoreBuilderTest {

    private final JdbcTransactions transactions =
            JdbcTransactions.of(TestDatabases.h2().dataSource());

    @Test
    void rejectsIdentifiersThatCouldCarrySql() {
        assertThatThrownBy(() -> JdbcStore.builder(transactions, Long.class, Person.class)
                        .table("people; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid table name 'people; DROP TABLE x'");
    }

    @Test
    void namesTheMissingPart() {
        assertThatThrownBy(() -> JdbcStore.builder(transactions, Long.class, Person.class)
                        .table("people")
                        .key("id", Person::id)
                        .binder((p, row) -> {})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JdbcStore on people has no row mapper; declare it with mapper(...)");
    }

    @Test
    void rejectsTheKeyColumnAmongTheColumns() {
        assertThatThrownBy(() -> JdbcStore.builder(transactions, Long.class, Person.class)
                        .table("people")
                        .key("id", Person::id)
                        .columns("id", "full_name")
                        .mapper(rs -> null)
                        .binder((p, row) -> {})
                        .build())
                .hasMessageContaining("leave it out of columns");
    }
}
