/**
 * The journal as an admin reads it: a map session reads hundreds of tiles, so tile reads are
 * grouped into one row per session, hour, tile route and zoom level (with the range of tiles
 * read); every other entry stays one row. Filters: dates, an exact or a partial username, an
 * action; pages by offset.
 */
import type pg from 'pg';
import { groupedAuditEntries } from '../queries/audit.js';
import { auditFilterParameters, type AuditFilterFields } from './audit.js';

export interface GroupedAuditFilter extends AuditFilterFields { limit: number; offset: number }

export async function groupedAudit(db: pg.Pool, filter: GroupedAuditFilter) {
  const { rows } = await db.query(groupedAuditEntries, [...auditFilterParameters(filter), filter.limit + 1, filter.offset]);
  const items = rows.slice(0, filter.limit).map((r) => ({ ...r, id: Number(r.id), occurred_at: (r.occurred_at as Date).toISOString(), first_at: (r.first_at as Date).toISOString() }));
  return { items, next_offset: rows.length > filter.limit ? filter.offset + filter.limit : null };
}
