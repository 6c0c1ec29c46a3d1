package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresMappingSampleTest extends AbstractMappingSampleTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "sample_postgres";
    }
}
