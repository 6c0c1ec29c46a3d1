package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.BackfillStore;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The opt-in Spring configuration of the batch path: {@code @Import(DualWriteBatchConfiguration.class)} next to
 * Spring Batch's own ({@code @EnableBatchProcessing} with {@code @EnableJdbcJobRepository}) gives a
 * {@link MigrationBatchJobs} bean built from the application's {@link DualWrite}, its {@link BackfillStore} (both
 * from the dualwrite starter, or beans of your own), the {@link JobRepository} and the transaction manager. Define the
 * jobs from it. Nothing is configured unless imported.
 */
@Configuration(proxyBeanMethods = false)
public class DualWriteBatchConfiguration {

    @Bean
    MigrationBatchJobs dualWriteBatchJobs(
            DualWrite dualWrite,
            BackfillStore backfillStore,
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager) {
        return new MigrationBatchJobs(dualWrite, backfillStore, jobRepository, transactionManager);
    }
}
