package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2CompositeIdJpaMigrationTest extends AbstractCompositeIdJpaMigrationTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.h2();
    }
}
