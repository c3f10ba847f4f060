/** SQL of the read replica (server/replica.ts): its WAL positions and state, and the primary's. */

/** On the primary: the WAL it has flushed (what a standby can have received). */
export const primaryFlushedWal = 'SELECT pg_current_wal_flush_lsn()::text AS lsn';

/** On the replica: the WAL it has replayed (null when it is not a standby). */
export const replicaReplayedWal = 'SELECT pg_last_wal_replay_lsn()::text AS lsn';

/** On the replica: whether it is a standby, receiving WAL, and up to where it replayed. */
export const replicaState = `
SELECT pg_is_in_recovery() AS in_recovery,
       -- Without pg_read_all_stats (the application role) the status is hidden, the receiver's pid is not.
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL AND coalesce(status, 'streaming') = 'streaming') AS streaming,
       pg_last_wal_replay_lsn()::text AS replay_lsn`;

/** On the primary: WAL bytes written after the replica's replay position ($1). */
export const bytesBehind = 'SELECT greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn))::float8 AS lag_bytes';
