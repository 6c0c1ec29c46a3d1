package io.dualwrite.spring.boot;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresSchemaToolsTest extends AbstractSchemaToolsTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
