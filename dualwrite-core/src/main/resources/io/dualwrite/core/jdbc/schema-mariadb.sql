-- dualwrite's own tables, MariaDB and MySQL. Idempotent: safe to apply at every start.
-- Timestamps are UTC.

CREATE TABLE IF NOT EXISTS dualwrite_phase (
    migration   VARCHAR(100) NOT NULL PRIMARY KEY,
    phase       VARCHAR(20)  NOT NULL,
    version     BIGINT       NOT NULL,
    changed_at  DATETIME(6) NOT NULL,
    changed_by  VARCHAR(200) NOT NULL
);

CREATE TABLE IF NOT EXISTS dualwrite_audit (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    migration   VARCHAR(100) NOT NULL,
    event       VARCHAR(20)  NOT NULL,
    from_phase  VARCHAR(20)  NOT NULL,
    to_phase    VARCHAR(20)  NOT NULL,
    version     BIGINT       NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    reason      VARCHAR(2000),
    evidence    TEXT         NOT NULL,
    occurred_at DATETIME(6) NOT NULL
);

CREATE INDEX IF NOT EXISTS dualwrite_audit_migration ON dualwrite_audit (migration, id);

CREATE TABLE IF NOT EXISTS dualwrite_divergence (
    migration   VARCHAR(100)  NOT NULL,
    entity_key  VARCHAR(500)  NOT NULL,
    cause       VARCHAR(40)   NOT NULL,
    detail      VARCHAR(2000) NOT NULL,
    recorded_at DATETIME(6)  NOT NULL,
    ahead_side  VARCHAR(3)    NOT NULL DEFAULT 'OLD',
    PRIMARY KEY (migration, entity_key)
);

-- Added before the first release; kept so that a database created by an earlier snapshot gains the column.
ALTER TABLE dualwrite_divergence ADD COLUMN IF NOT EXISTS ahead_side VARCHAR(3) NOT NULL DEFAULT 'OLD';

CREATE TABLE IF NOT EXISTS dualwrite_backfill (
    migration       VARCHAR(100)  NOT NULL PRIMARY KEY,
    state           VARCHAR(20)   NOT NULL,
    upper_key       VARCHAR(500),
    last_key        VARCHAR(500),
    rows_copied     BIGINT        NOT NULL,
    rows_estimated  BIGINT        NOT NULL,
    rows_per_second DOUBLE PRECISION NOT NULL,
    started_at      DATETIME(6),
    updated_at      DATETIME(6)  NOT NULL,
    completed_at    DATETIME(6),
    lease_owner     VARCHAR(200),
    lease_until     DATETIME(6),
    failure         VARCHAR(2000)
);

-- One row per key range of a partitioned backfill (BackfillOptions.partitions > 1): keys in (lower_key, upper_key],
-- lower_key NULL for the first range; each range is claimed through its own lease and checkpointed on its own.
CREATE TABLE IF NOT EXISTS dualwrite_backfill_partition (
    migration       VARCHAR(100)  NOT NULL,
    partition_no    INTEGER       NOT NULL,
    lower_key       VARCHAR(500),
    upper_key       VARCHAR(500)  NOT NULL,
    last_key        VARCHAR(500),
    state           VARCHAR(20)   NOT NULL,
    rows_copied     BIGINT        NOT NULL,
    rows_per_second DOUBLE PRECISION NOT NULL,
    updated_at      DATETIME(6)   NOT NULL,
    lease_owner     VARCHAR(200),
    lease_until     DATETIME(6),
    PRIMARY KEY (migration, partition_no)
);

CREATE TABLE IF NOT EXISTS dualwrite_verification (
    migration     VARCHAR(100)  NOT NULL PRIMARY KEY,
    state         VARCHAR(20)   NOT NULL,
    last_key      VARCHAR(500),
    rows_checked  BIGINT        NOT NULL,
    divergences   BIGINT        NOT NULL,
    in_flight     BIGINT        NOT NULL,
    started_at    DATETIME(6),
    updated_at    DATETIME(6)  NOT NULL,
    completed_at  DATETIME(6),
    failure       VARCHAR(2000),
    phase_version BIGINT
);

ALTER TABLE dualwrite_verification ADD COLUMN IF NOT EXISTS phase_version BIGINT;

CREATE TABLE IF NOT EXISTS dualwrite_instance (
    migration    VARCHAR(100) NOT NULL,
    instance_id  VARCHAR(200) NOT NULL,
    phase        VARCHAR(20)  NOT NULL,
    version      BIGINT       NOT NULL,
    last_seen    DATETIME(6) NOT NULL,
    PRIMARY KEY (migration, instance_id)
);

CREATE TABLE IF NOT EXISTS dualwrite_resync (
    migration     VARCHAR(100)  NOT NULL PRIMARY KEY,
    phase_version BIGINT        NOT NULL,
    state         VARCHAR(20)   NOT NULL,
    keys_found    BIGINT        NOT NULL,
    keys_left     BIGINT        NOT NULL,
    started_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    completed_at  DATETIME(6),
    detail        VARCHAR(2000)
);

-- Per migration, in every database holding one of its sides: writes and copies routed by a phase version below
-- below_version are refused here (raised by a move that hands the source of truth over; see Handover).
-- raise_id: a new random value at every raise, so that a fence raised again to the same version is told apart from
-- one left raised by a move whose instance died (only such a fence is lowered by background work).
CREATE TABLE IF NOT EXISTS dualwrite_fence (
    migration     VARCHAR(100) NOT NULL PRIMARY KEY,
    below_version BIGINT       NOT NULL,
    raise_id      BIGINT       DEFAULT 0 NOT NULL
);
ALTER TABLE dualwrite_fence ADD COLUMN IF NOT EXISTS raise_id BIGINT DEFAULT 0 NOT NULL;

-- Per migration, in the database of its OLD table: what the old-side gates compare (docs/gates.md). A holder
-- 'baseline:<window>' holds the table's own counters (NULL when the database keeps none) and dualwrite's counted
-- writes when the window opened; a holder '<instance id>/<run>' holds the rows dualwrite's writes of one running
-- instance addressed in the OLD table so far, reported with its heartbeats (settled_writes: as they were a few
-- seconds before, the part the table's own counters, flushed with a delay, surely show).
CREATE TABLE IF NOT EXISTS dualwrite_old_side (
    migration        VARCHAR(100)  NOT NULL,
    holder           VARCHAR(300)  NOT NULL,
    phase_version    BIGINT        NOT NULL,
    table_reads      BIGINT,
    table_writes     BIGINT,
    dualwrite_writes BIGINT        NOT NULL,
    settled_writes   BIGINT        DEFAULT 0 NOT NULL,
    detail           VARCHAR(2000) NOT NULL,
    recorded_at      DATETIME(6)   NOT NULL,
    PRIMARY KEY (migration, holder)
);
