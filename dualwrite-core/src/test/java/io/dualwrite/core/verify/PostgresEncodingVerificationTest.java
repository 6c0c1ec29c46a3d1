package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresEncodingVerificationTest extends AbstractEncodingVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected boolean padsChar() {
        return true;
    }
}
