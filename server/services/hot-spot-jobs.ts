/**
 * Emerging hot spots, as jobs queued in PostgreSQL (services/jobs.ts): any server process runs and
 * reads them; a job reports its progress and yields to the event loop between months, so the
 * server keeps answering.
 */
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Static } from 'typebox';
import { bboxAreas, disclosureFor, underWayVisibleIn } from '../domain/disclosure.js';
import type { Principal } from '../domain/access.js';
import { cubeInput, emergingHotSpots, patternLabels, sfdepHotSpotOptions, type CellResult } from '../domain/analytics/hot-spots.js';
import { monthLabel } from '../domain/months.js';
import type { HotSpotResult as HotSpotResultSchema } from '../schemas/analyses.js';
import * as jobSql from '../queries/analysis-jobs.js';
import { cellFeature } from './aggregates.js';
import { StoppingError, type JobContext, type JobRunner } from './jobs.js';
import { cellMonthCube } from './time-series.js';

const methodLabels = {
  exact: 'Gi* ; test exact conditionnel (Poisson) du voisinage, la cellule étant donnée ; Benjamini-Hochberg à 5 % par mois',
  permutation: 'Gi* ; rangs de permutations conditionnelles (p_sim de PySAL) ; Benjamini-Hochberg à 5 % par mois',
  sfdep: 'Gi* ; réglages de sfdep : 199 permutations, mois précédent dans le voisinage, p < 0,01 sans correction',
  normal: 'Gi* ; approximation normale (comparaison seulement : elle signale des cubes aléatoires)',
} as const;

export interface HotSpotParameters { resolution: number; from: number; to: number; departments: string[] | null; bbox: [number, number, number, number] | null; method: 'exact' | 'permutation' | 'sfdep' | 'normal'; permutations: number; seed: number }
export interface HotSpotJob {
  id: string; owner: number; status: 'running' | 'done' | 'failed'; done: number; total: number;
  /** The parameters as stored, months as labels (YYYY-MM). */
  parameters: Omit<HotSpotParameters, 'from' | 'to'> & { from: string; to: string }; result: HotSpotResult | null; error: string | null;
}
/** A done job's result: the cells with a pattern, as H3 cell Features (stored as JSON: NaN read back as null). */
export type HotSpotResult = Static<typeof HotSpotResultSchema>;
/** A job is readable for an hour after it was started. */
const jobLifetimeMinutes = 60;
/** Progress is written at most this often (every process reads it from the database). */
const progressEveryMs = 250;

export async function getJob(db: pg.Pool, id: string): Promise<HotSpotJob | undefined> {
  const { rows } = await db.query<{ id: string; owner_id: number; status: HotSpotJob['status']; done: number; total: number; parameters: HotSpotJob['parameters']; result: HotSpotResult | null; error: string | null }>(
    jobSql.jobById, [id, jobLifetimeMinutes]);
  const row = rows[0];
  return row && { id: row.id, owner: row.owner_id, status: row.status, done: row.done, total: row.total, parameters: row.parameters, result: row.result, error: row.error };
}

/** Records the job and queues it; the principal's scope is kept to recompute what it may see. */
export async function startHotSpotJob(db: pg.Pool, jobs: JobRunner, principal: Principal, parameters: HotSpotParameters): Promise<HotSpotJob> {
  const job: HotSpotJob = { id: randomUUID(), owner: principal.userId, status: 'running', done: 0, total: parameters.to - parameters.from + 1, parameters: { ...parameters, from: monthLabel(parameters.from), to: monthLabel(parameters.to) }, result: null, error: null };
  await db.query(jobSql.deleteOldJobs, [jobLifetimeMinutes]);
  await db.query(jobSql.insertHotSpotJob,
    [job.id, job.owner, job.total, JSON.stringify(job.parameters)]);
  await jobs.send('emerging-hot-spots', job.id, { parameters, principal: { userId: principal.userId, username: principal.username, role: principal.role, departments: principal.departments } });
  return job;
}

/** Runs one queued hot spot job (in whichever process claimed it), writing its progress as it goes. */
export async function runHotSpotJob(db: pg.Pool, id: string, data: Record<string, unknown>, context: JobContext): Promise<void> {
  const parameters = data.parameters as HotSpotParameters;
  const principal = data.principal as Principal;
  const disclosure = disclosureFor(principal, parameters.departments);
  const areas = bboxAreas(parameters.bbox, disclosure, parameters.resolution);
  const started = await db.query(jobSql.startJob, [id]);
  if (!started.rows.length) return; // finished (or expired) meanwhile
  try {
    const { months, cells } = await cellMonthCube(db, parameters.resolution, { from: parameters.from, to: parameters.to, bbox: areas.length ? null : parameters.bbox, departments: parameters.departments, dataset: null, region: null, commune: null, areas, underWayVisibleIn: underWayVisibleIn(principal, disclosure) });
    const input = cubeInput(cells, months.length);
    const list = input.cells;
    const T = months.length;
    const options = parameters.method === 'sfdep' ? { ...sfdepHotSpotOptions, permutations: parameters.permutations, seed: parameters.seed }
      : { method: parameters.method, permutations: parameters.permutations, seed: parameters.seed, fdr: 0.05 };
    const steps = emergingHotSpots(input, options);
    let step = steps.next();
    let written = 0;
    while (!step.done) {
      if (context.stopping) throw new StoppingError();
      if (Date.now() - written >= progressEveryMs) {
        written = Date.now();
        await db.query(jobSql.jobProgress, [id, step.value]);
      }
      await nextTurn();
      step = steps.next();
    }
    const results: CellResult[] = step.value;
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.pattern] = (counts[r.pattern] ?? 0) + 1;
    const result = {
      type: 'FeatureCollection', months: [months[0], months[T - 1]], cells: list.length, patterns: counts, method: methodLabels[parameters.method],
      features: results.filter((r) => r.pattern !== 'no_pattern').map((r) => cellFeature(r.cell, { ...r, label: patternLabels[r.pattern] })),
    };
    await db.query(jobSql.jobDone, [id, JSON.stringify(result)]);
  } catch (error) {
    if (error instanceof StoppingError) throw error; // back to the queue, for another process
    await db.query(jobSql.jobFailed, [id, (error as Error).message]);
  }
}

