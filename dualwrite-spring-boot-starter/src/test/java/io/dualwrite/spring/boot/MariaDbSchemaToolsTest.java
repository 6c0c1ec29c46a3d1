package io.dualwrite.spring.boot;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbSchemaToolsTest extends AbstractSchemaToolsTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
