package io.dualwrite.core.shadow;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresShadowReadTest extends AbstractShadowReadTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }
}
