package io.dualwrite.spring.boot;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2SchemaToolsTest extends AbstractSchemaToolsTest {

    /** Only its kind is used: each test makes in-memory databases of its own. */
    private static final TestDatabase H2 = TestDatabases.h2();

    @Override
    protected TestDatabase database() {
        return H2;
    }
}
