package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** The mapping checks on a sample of rows (see {@link AbstractSampledMappingCheckTest}) on Postgres. */
class PostgresSampledMappingCheckTest extends AbstractSampledMappingCheckTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
