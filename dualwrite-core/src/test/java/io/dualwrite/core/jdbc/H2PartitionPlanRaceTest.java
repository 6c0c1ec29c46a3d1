package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class H2PartitionPlanRaceTest extends AbstractPartitionPlanRaceTest {

    @Override
    protected DataSource database() {
        return TestDatabases.h2().dataSource();
    }
}
