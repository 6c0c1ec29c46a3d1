package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2ValuesOnlyInNewTest extends AbstractValuesOnlyInNewTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.h2();
    }
}
