package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2KeptColumnsTest extends AbstractKeptColumnsTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.h2();
    }
}
