package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** H2's {@code UUID} (unsigned halves) and its default binary string comparison. */
class H2KeyOrderTest extends AbstractKeyOrderTest {

    @Override
    protected DataSource database() {
        return TestDatabases.h2().dataSource();
    }

    @Override
    protected String prefix() {
        return "keyorder_h2";
    }

    @Override
    protected String uuidColumn() {
        return "UUID";
    }

    @Override
    protected String stringColumn() {
        return "VARCHAR(100)";
    }

    @Override
    protected boolean distinguishesCaseAndAccents() {
        return true;
    }
}
