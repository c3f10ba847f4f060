/**
 * The streamed reader gives the same reading as the whole-file parser, whatever the chunking (down
 * to one byte, splitting UTF-8 characters) and the batch size; and refuses non-UTF-8 text and NUL
 * bytes with the line, wherever the chunk boundaries fall.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { readImport, FileTextProblem } from '../../server/domain/import-stream.js';
import { parseImport } from '../../server/domain/import-files.js';

const folder = new URL('../fixtures/import-rows/in/', import.meta.url).pathname;
const inputs = readdirSync(folder).sort();

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function streamed(bytes: Uint8Array, chunk: number, batch: number) {
  const file = await readImport(chunked(bytes, chunk));
  const records: unknown[] = [];
  const problems = [...file.problems];
  const sizes: number[] = [];
  if (!problems.length) {
    for await (const b of file.batches(batch)) { records.push(...b.records); problems.push(...b.problems); sizes.push(b.records.length + new Set(b.problems.map((p) => p.line)).size); }
  }
  return { kind: file.kind, format: file.format, rowCount: file.rows, records, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), sizes };
}

describe('streamed import reading', () => {
  for (const name of inputs) {
    it(`reads ${name} as the whole-file parser does, in 1-byte, 7-byte and 4 KiB chunks, batches of 1, 3 and 5,000`, async () => {
      const bytes = readFileSync(`${folder}${name}`);
      const whole = JSON.parse(JSON.stringify(parseImport(bytes.toString('utf8'))));
      for (const [chunk, batch] of [[1, 1], [7, 3], [4096, 5000]]) {
        const reading = JSON.parse(JSON.stringify(await streamed(bytes, chunk, batch)));
        const label = `${name} in ${chunk}-byte chunks, batches of ${batch}`;
        expect(reading.records, label).toEqual(whole.records);
        expect(reading.problems, label).toEqual(whole.problems);
        expect(reading.format, label).toBe(whole.format);
        // A file readable as a whole has its kind and row count; an unreadable one, its problem only.
        const unreadable = whole.problems.some((p: { field: string }) => ['file', 'kind', 'header', 'type', 'crs'].includes(p.field));
        if (!unreadable) expect([reading.kind, reading.rowCount], label).toEqual([whole.kind, whole.rowCount]);
        // No batch holds more than its size in rows.
        expect(Math.max(0, ...reading.sizes)).toBeLessThanOrEqual(batch);
      }
    });
  }

  it('hands a large file out in batches of at most the size asked, with every row', async () => {
    const rows = Array.from({ length: 12_345 }, (_, i) => `S-${i};gendarmerie;43,69${i % 10};5,53;2024-01-05`);
    const text = `external_id;source;lat;lon;first_seen_on\n${rows.join('\n')}\n`;
    const { records, sizes, problems } = await streamed(new TextEncoder().encode(text), 65536, 5000);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(12_345);
    expect(sizes).toEqual([5000, 5000, 2345]);
  });

  it('refuses a key given twice across batches, naming the earlier line', async () => {
    const text = 'external_id;source;lat;lon;first_seen_on\nA;gendarmerie;43,69;5,53;2024-01-05\nB;gendarmerie;43,69;5,53;2024-01-05\nA;gendarmerie;43,7;5,53;2024-01-05\n';
    const { problems, records } = await streamed(new TextEncoder().encode(text), 5, 1);
    expect(records).toHaveLength(2);
    expect(problems).toEqual([{ line: 4, field: 'external_id', reason: 'duplicates line 2 of this file' }]);
  });

  it('refuses Latin-1 text and a NUL byte, with its line, whatever the chunking', async () => {
    const latin1 = Buffer.from('external_id;source;lat;lon;first_seen_on\nCh\xe2teau;gendarmerie;43,6931;5,5345;2024-01-01\n', 'latin1');
    const withNul = new TextEncoder().encode('external_id;source;lat;lon;first_seen_on\nA;gendarmerie;43,69;5,53;2024-01-05\nB\u0000;gendarmerie;43,69;5,53;2024-01-05\n');
    for (const chunk of [1, 3, 4096]) {
      await expect(streamed(latin1, chunk, 10)).rejects.toThrow(FileTextProblem);
      const nul = await streamed(withNul, chunk, 10).catch((error: FileTextProblem) => error);
      expect(nul).toBeInstanceOf(FileTextProblem);
      expect((nul as FileTextProblem).problem).toMatchObject({ field: 'body', line: 3 });
    }
    // A character of two bytes split across chunks is read whole.
    const accents = new TextEncoder().encode('external_id;source;lat;lon;first_seen_on\nChâteau-é;gendarmerie;43,69;5,53;2024-01-05\n');
    const { records } = await streamed(accents, 1, 10);
    expect((records[0] as { external_id: string }).external_id).toBe('Château-é');
  });

  it('says blank for white space only, and no rows for a header alone', async () => {
    expect((await readImport(chunked(new TextEncoder().encode('  \n \n'), 2))).blank).toBe(true);
    const headerOnly = await streamed(new TextEncoder().encode('external_id;source;lat;lon;first_seen_on\n'), 4, 10);
    expect(headerOnly.problems).toEqual([{ line: 1, field: 'file', reason: 'holds no rows' }]);
  });
});
