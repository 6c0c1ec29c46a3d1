package io.dualwrite.batch;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * What an application using the batch path has: a DataSource, a {@link DualWrite} with the people migration (in-app
 * copying off), dualwrite's stores, Spring Batch with a JDBC JobRepository in the same database, and the imported
 * {@link DualWriteBatchConfiguration}. Used by the tests and by the worker JVMs they start.
 */
final class BatchTestApp implements AutoCloseable {

    @Configuration(proxyBeanMethods = false)
    @EnableBatchProcessing
    @EnableJdbcJobRepository
    @Import(DualWriteBatchConfiguration.class)
    static class Infrastructure {}

    final HikariDataSource dataSource;
    final Migration<Long, People.Person, People.PersonName> migration;
    final DualWrite dualWrite;
    final JdbcBackfillStore backfillStore;
    final AnnotationConfigApplicationContext context;

    BatchTestApp(
            String jdbcUrl,
            String user,
            String password,
            String prefix,
            String migrationName,
            Class<?>... configuration) {
        this(jdbcUrl, user, password, prefix, migrationName, context -> {}, configuration);
    }

    /** With {@code beans} registered before the context is refreshed. */
    BatchTestApp(
            String jdbcUrl,
            String user,
            String password,
            String prefix,
            String migrationName,
            java.util.function.Consumer<AnnotationConfigApplicationContext> beans,
            Class<?>... configuration) {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(jdbcUrl);
        if (!user.isEmpty()) {
            dataSource.setUsername(user);
        }
        if (!password.isEmpty()) {
            dataSource.setPassword(password);
        }
        dataSource.setMaximumPoolSize(12);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        migration = People.migration(transactions, prefix, migrationName);
        backfillStore = new JdbcBackfillStore(transactions);
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .copies(false)
                .refreshInterval(Duration.ofMillis(200))
                .migration(migration)
                .backfillStore(backfillStore)
                .verificationStore(new JdbcVerificationStore(transactions))
                .build();
        context = new AnnotationConfigApplicationContext();
        context.registerBean("dataSource", DataSource.class, () -> dataSource);
        context.registerBean(
                "transactionManager",
                PlatformTransactionManager.class,
                () -> new DataSourceTransactionManager(dataSource));
        context.registerBean(DualWrite.class, () -> dualWrite);
        context.registerBean(BackfillStore.class, () -> backfillStore);
        context.register(Infrastructure.class);
        beans.accept(context);
        if (configuration.length > 0) {
            context.register(configuration);
        }
        context.refresh();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Creates dualwrite's tables and Spring Batch's (unless present), in the test's database. */
    static void createSchemas(DataSource dataSource) throws SQLException {
        DualWriteSchema.create(dataSource);
        try (Connection c = dataSource.getConnection()) {
            boolean present;
            try (var probe = c.createStatement()) {
                probe.executeQuery("SELECT 1 FROM BATCH_JOB_INSTANCE WHERE 1 = 0")
                        .close();
                present = true;
            } catch (SQLException absent) {
                present = false;
            }
            if (!present) {
                String vendor = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
                String script = vendor.contains("mariadb") || vendor.contains("mysql") ? "mariadb" : "postgresql";
                new ResourceDatabasePopulator(
                                new ClassPathResource("org/springframework/batch/core/schema-" + script + ".sql"))
                        .populate(c);
            }
        }
    }

    @Override
    public void close() {
        context.close();
        dualWrite.close();
        dataSource.close();
    }
}
