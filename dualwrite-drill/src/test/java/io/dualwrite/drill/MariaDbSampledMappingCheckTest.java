package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** The mapping checks on a sample of rows (see {@link AbstractSampledMappingCheckTest}) on MariaDb. */
class MariaDbSampledMappingCheckTest extends AbstractSampledMappingCheckTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
