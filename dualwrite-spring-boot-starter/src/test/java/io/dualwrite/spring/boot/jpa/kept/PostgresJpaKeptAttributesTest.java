package io.dualwrite.spring.boot.jpa.kept;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJpaKeptAttributesTest extends AbstractJpaKeptAttributesTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
