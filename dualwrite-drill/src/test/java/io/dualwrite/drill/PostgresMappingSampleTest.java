package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** The mapping checks on a sample of rows (see {@link AbstractMappingSampleTest}) on Postgres. */
class PostgresMappingSampleTest extends AbstractMappingSampleTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
