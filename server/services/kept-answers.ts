/**
 * Answers kept in memory while what they were computed from is unchanged: per pool and per name,
 * the last answer and the key it was computed under (the data version, with whatever else the
 * answer depends on). Requests arriving while it is computed share that one computation, so a
 * public route polled or hammered costs the database one computation per change, not one per call.
 */
import type pg from 'pg';

const kept = new WeakMap<pg.Pool, Map<string, { key: string; answer: Promise<unknown> }>>();

/** Names kept per pool, the least recently used dropped beyond (answers of many filters: series of communes, say). */
export const keptNames = 256;

/** The answer kept under `name` if it was computed under `key`, else `compute()` (kept once it succeeds). */
export function keptWhileUnchanged<T>(db: pg.Pool, name: string, key: string, compute: () => Promise<T>): Promise<T> {
  let byName = kept.get(db);
  if (!byName) kept.set(db, (byName = new Map()));
  const entry = byName.get(name);
  if (entry) byName.delete(name); // set again below: the Map's order is the order of use
  if (entry?.key === key) {
    byName.set(name, entry);
    return entry.answer as Promise<T>;
  }
  const answer = compute();
  byName.set(name, { key, answer });
  if (byName.size > keptNames) byName.delete(byName.keys().next().value!);
  // A failed computation is not kept: the next request tries again.
  answer.catch(() => { if (byName!.get(name)?.answer === answer) byName!.delete(name); });
  return answer;
}
