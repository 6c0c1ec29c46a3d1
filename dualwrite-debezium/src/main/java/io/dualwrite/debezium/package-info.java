/**
 * Captures the writes that bypass dualwrite from PostgreSQL's logical replication stream with Debezium's embedded
 * engine, for teams that cannot add triggers: {@link io.dualwrite.debezium.DebeziumCapture} (docs/debezium.md).
 */
@NullMarked
package io.dualwrite.debezium;

import org.jspecify.annotations.NullMarked;
