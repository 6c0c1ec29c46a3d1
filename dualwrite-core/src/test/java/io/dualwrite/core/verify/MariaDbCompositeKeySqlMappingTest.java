package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbCompositeKeySqlMappingTest extends AbstractCompositeKeySqlMappingTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "ck_sql_maria";
    }

    @Override
    protected String tenantType() {
        return "VARCHAR(20)";
    }
}
