package io.dualwrite.spring.boot.jpa;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJpaRoutedQueryTest extends AbstractJpaRoutedQueryTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
