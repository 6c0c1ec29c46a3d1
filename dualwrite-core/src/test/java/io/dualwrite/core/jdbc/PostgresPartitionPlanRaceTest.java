package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresPartitionPlanRaceTest extends AbstractPartitionPlanRaceTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }
}
