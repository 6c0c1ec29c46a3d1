package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.store.Transactions;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The transactions dualwrite keeps itself: after-commit actions and failures that must not hide one another. */
class LocalJdbcTransactionsTest {

    @Test
    void everyAfterCommitActionRunsEvenWhenAnEarlierOneThrowsOnPostgres() {
        everyAfterCommitActionRuns(TestDatabases.postgres());
    }

    @Test
    void everyAfterCommitActionRunsEvenWhenAnEarlierOneThrowsOnMariaDb() {
        everyAfterCommitActionRuns(TestDatabases.mariadb());
    }

    private static void everyAfterCommitActionRuns(TestDatabase database) {
        Transactions transactions = JdbcTransactions.of(database.dataSource());
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    transactions.afterCommit(() -> {
                        ran.add("first");
                        throw new IllegalStateException("the first copy failed");
                    });
                    transactions.afterCommit(() -> ran.add("second"));
                    transactions.afterCommit(() -> {
                        ran.add("third");
                        throw new IllegalStateException("the third copy failed");
                    });
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the first copy failed")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .containsExactly("the third copy failed"));
        assertThat(ran).containsExactly("first", "second", "third");
    }

    @Test
    void aConnectionTooBrokenToRestoreDoesNotHideTheWorksOwnFailure() {
        TestDatabase database = TestDatabases.postgres();
        AtomicBoolean broken = new AtomicBoolean();
        Transactions transactions = JdbcTransactions.of(breakingOnRestore(database.dataSource(), broken));
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    broken.set(true);
                    throw new IllegalArgumentException("the caller's own failure");
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the caller's own failure")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .contains("connection broken while restoring auto-commit"));
    }

    @Test
    void aRestoreFailureAfterASuccessfulCommitIsReported() {
        TestDatabase database = TestDatabases.postgres();
        AtomicBoolean broken = new AtomicBoolean();
        Transactions transactions = JdbcTransactions.of(breakingOnRestore(database.dataSource(), broken));
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    broken.set(true);
                    return 1;
                }))
                .hasMessageContaining("connection broken while restoring auto-commit");
    }

    /** A data source whose connections fail to go back to auto-commit once {@code broken} is set. */
    private static DataSource breakingOnRestore(DataSource real, AtomicBoolean broken) {
        return (DataSource) Proxy.newProxyInstance(
                LocalJdbcTransactionsTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(
                            LocalJdbcTransactionsTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("setAutoCommit") && Boolean.TRUE.equals(a[0]) && broken.get()) {
                                    connection.setAutoCommit(true);
                                    throw new SQLException("connection broken while restoring auto-commit");
                                }
                                return invoke(m, connection, a);
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
