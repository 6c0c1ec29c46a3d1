package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbMappingCheckTest extends AbstractMappingCheckTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String firstNameSql() {
        return "SUBSTRING_INDEX(full_name, ' ', 1)";
    }

    @Override
    protected String lastNameSql() {
        return "SUBSTRING(full_name, LOCATE(' ', full_name) + 1)";
    }

    @Override
    protected String secondWordSql() {
        return "SUBSTRING_INDEX(SUBSTRING_INDEX(full_name, ' ', 2), ' ', -1)";
    }
}
