/**
 * Background jobs shared by every server process, through PostgreSQL: pg-boss queues and claims
 * them (FOR UPDATE SKIP LOCKED, retries, expiry), `analysis_jobs` holds what their owner reads
 * (progress, result). A job survives a restart: stopping a process fails its work in progress
 * back to the queue (retried by whichever process polls first), and a process that died without
 * stopping has its job expire and retried after `expireInSeconds`.
 *
 * pg-boss reaches the database through the app's own pool (its `db` adapter): on the embedded
 * PGlite, which is a single session, a second pool would interleave transactions.
 * pg-boss 10 is the last major for Node 20 (11 and later need Node 22).
 */
import PgBoss from 'pg-boss';
import type pg from 'pg';
import * as sql from '../queries/jobs.js';

export const jobQueues = ['emerging-hot-spots'] as const;
export type JobQueueName = (typeof jobQueues)[number];

/** Thrown by a handler when its process stops: the job goes back to the queue. */
export class StoppingError extends Error {
  constructor() { super('the server process is stopping: the job is handed to another process'); }
}

export interface JobContext {
  /** True once the process is stopping: long handlers check it between steps. */
  readonly stopping: boolean;
}
export type JobHandler = (data: Record<string, unknown>, id: string, context: JobContext) => Promise<void>;

function boss(pool: pg.Pool, options: { migrate?: boolean } = {}): PgBoss {
  return new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
    schedule: false, supervise: true, migrate: options.migrate ?? true,
    // Completed and failed jobs are kept a day by pg-boss; analysis_jobs keeps what the owner reads.
    deleteAfterDays: 1,
  } as ConstructorParameters<typeof PgBoss>[0]);
}

const queueOptions = { retryLimit: 3, retryDelay: 1, expireInSeconds: 900 };

/**
 * Creates (or upgrades) the pg-boss schema and queues: run with the migrations, by the role that
 * owns the schema, then grants them to the application role when it exists.
 */
export async function prepareJobQueues(pool: pg.Pool): Promise<void> {
  const queue = boss(pool);
  queue.on('error', () => {});
  await queue.start();
  try {
    for (const name of jobQueues) if (!(await queue.getQueue(name))) await queue.createQueue(name, { name, ...queueOptions });
  } finally {
    await queue.stop({ graceful: false, wait: true, close: false });
  }
  await pool.query(sql.grantQueueToApp);
}

export interface JobRunner {
  send(queue: JobQueueName, id: string, data: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

export interface JobRunnerOptions {
  /** How often an idle process looks for work (pg-boss polls; 0.5 s at least). */
  pollingSeconds?: number;
  onError?: (error: Error) => void;
}

/** Starts working the queues in this process (every process does: any of them takes a job). */
export async function startJobRunner(pool: pg.Pool, handlers: Record<JobQueueName, JobHandler>, options: JobRunnerOptions = {}): Promise<JobRunner> {
  const queue = boss(pool, { migrate: false });
  queue.on('error', (error) => options.onError?.(error));
  await queue.start();
  const context = { stopping: false };
  for (const name of jobQueues) {
    await queue.work(name, { pollingIntervalSeconds: options.pollingSeconds ?? 1, batchSize: 1 }, async ([job]) => {
      await handlers[name](job.data as Record<string, unknown>, job.id, context);
    });
  }
  let stopped: Promise<void> | null = null;
  return {
    async send(name, id, data) {
      await queue.send(name, data, { id, ...queueOptions });
    },
    stop() {
      stopped ??= (async () => {
        context.stopping = true;
        // Handlers notice `stopping` between steps and throw: their jobs return to the queue.
        await queue.stop({ graceful: true, wait: true, close: false, timeout: 5000 });
      })();
      return stopped;
    },
  };
}
