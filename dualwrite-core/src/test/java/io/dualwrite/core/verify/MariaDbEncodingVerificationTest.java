package io.dualwrite.core.verify;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbEncodingVerificationTest extends AbstractEncodingVerificationTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected boolean padsChar() {
        return false;
    }
}
