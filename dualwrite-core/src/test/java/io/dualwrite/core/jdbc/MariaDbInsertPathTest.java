package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.List;

class MariaDbInsertPathTest extends AbstractInsertPathTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }

    @Override
    protected String columnDefinitions() {
        return "txt TEXT, vc VARCHAR(200), num DECIMAL(40, 10), big BIGINT, flag BOOLEAN, day DATE,"
                + " at DATETIME(6), uid CHAR(36), bin BLOB, dbl DOUBLE";
    }

    @Override
    protected List<String> columns() {
        return List.of("txt", "vc", "num", "big", "flag", "day", "at", "uid", "bin", "dbl");
    }

    @Override
    protected List<Row> awkwardRows() {
        return rows(List.of(
                DECIMALS,
                LONGS,
                BOOLEANS,
                DATES,
                DATE_TIMES,
                UUIDS.stream().map(Object::toString).map(Object.class::cast).toList(),
                BYTES,
                List.of(0.1, -1e300, 4.9e-324, 1.7976931348623157e308)));
    }

    @Override
    protected String sameValue(String column) {
        // HEX: exact bytes, whatever the collation's equality (case, PAD SPACE) says.
        return "HEX(r." + column + ") <=> HEX(d." + column + ")";
    }
}
