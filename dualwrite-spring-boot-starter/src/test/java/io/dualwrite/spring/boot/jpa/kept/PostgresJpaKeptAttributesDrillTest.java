package io.dualwrite.spring.boot.jpa.kept;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJpaKeptAttributesDrillTest extends AbstractJpaKeptAttributesDrillTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
