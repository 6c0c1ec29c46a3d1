package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresValuesOnlyInNewTest extends AbstractValuesOnlyInNewTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
