/** SQL of the analyses run as background jobs (emerging hot spots): what their owner reads. */

/** Job $1 as its owner reads it (the result only once done). */
export const jobById = `
SELECT id, owner_id, status, done, total, parameters, CASE WHEN status = 'done' THEN result END AS result, error
FROM analysis_jobs WHERE id = $1 AND created_at > now() - make_interval(mins => $2)`;

/** Drops jobs older than $1 minutes. */
export const deleteOldJobs = 'DELETE FROM analysis_jobs WHERE created_at < now() - make_interval(mins => $1)';

/** A hot-spot job $1 of owner $2, $3 steps, parameters $4. */
export const insertHotSpotJob = `INSERT INTO analysis_jobs (id, kind, owner_id, total, parameters) VALUES ($1, 'emerging_hot_spots', $2, $3, $4)`;

/** Job $1 (re)started from step 0 by a worker; no row when it is no longer running. */
export const startJob = `UPDATE analysis_jobs SET status = 'running', done = 0, attempts = attempts + 1, updated_at = now() WHERE id = $1 AND status = 'running' RETURNING id`;

/** Job $1 reached step $2. */
export const jobProgress = 'UPDATE analysis_jobs SET done = $2, updated_at = now() WHERE id = $1';

/** Job $1 done with result $2. */
export const jobDone = `UPDATE analysis_jobs SET status = 'done', done = total, result = $2, updated_at = now() WHERE id = $1`;

/** Job $1 failed with error $2. */
export const jobFailed = `UPDATE analysis_jobs SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`;
