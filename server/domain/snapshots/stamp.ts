/** The stamp of a snapshot (pure): SHA-256 of the canonical JSON of its parameters and data. Kept apart so the browser can import the document's formatting without node:crypto. */
import { createHash } from 'node:crypto';
import { canonicalJson, snapshotMethodVersion, type SnapshotData, type SnapshotDocument, type SnapshotParameters } from './document.js';

/** SHA-256 (hex) of the canonical JSON of the parameters and the data. */
export function snapshotHash(parameters: SnapshotParameters, data: SnapshotData, methodVersion = snapshotMethodVersion): string {
  return createHash('sha256').update(canonicalJson({ method_version: methodVersion, parameters, data })).digest('hex');
}

export function buildSnapshotDocument(id: string, createdAt: string, parameters: SnapshotParameters, data: SnapshotData): SnapshotDocument {
  return { format: 'sillage-instantane', id, created_at: createdAt, method_version: snapshotMethodVersion, parameters, data, sha256: snapshotHash(parameters, data) };
}

