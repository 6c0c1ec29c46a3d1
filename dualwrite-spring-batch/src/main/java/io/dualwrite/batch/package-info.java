/**
 * A migration's backfill and verification as Spring Batch jobs: {@link io.dualwrite.batch.MigrationBatchJobs} builds
 * the partitioners, the worker steps and the jobs; {@link io.dualwrite.batch.DualWriteBatchConfiguration} is the
 * configuration to import. See {@code docs/spring-batch.md}.
 */
@NullMarked
package io.dualwrite.batch;

import org.jspecify.annotations.NullMarked;
