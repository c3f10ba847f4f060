/**
 * Import parsing against in/out fixtures, as Turf's tests do: each file of
 * tests/fixtures/import-rows/in/ is parsed and compared with its expected reading in out/
 * (kind, format, records, problems). `REGEN=1 npx vitest run tests/unit/import-fixtures.test.ts`
 * rewrites out/ from the current parser: review the diff before committing it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseImport } from '../../server/domain/import-files.js';

const folder = new URL('../fixtures/import-rows/', import.meta.url).pathname;
const inputs = readdirSync(`${folder}in`).sort();
const regenerate = process.env.REGEN === '1';

describe('import parsing fixtures', () => {
  it('has fixtures, each with its expected reading', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(10);
    if (!regenerate) for (const name of inputs) expect(existsSync(`${folder}out/${name}.json`), name).toBe(true);
  });

  for (const name of inputs) {
    it(`reads ${name} as expected`, () => {
      const parsed = parseImport(readFileSync(`${folder}in/${name}`, 'utf8'));
      const reading = JSON.parse(JSON.stringify(parsed));
      const expected = `${folder}out/${name}.json`;
      if (regenerate) {
        mkdirSync(`${folder}out`, { recursive: true });
        writeFileSync(expected, `${JSON.stringify(reading, null, 2)}\n`);
      }
      expect(reading).toEqual(JSON.parse(readFileSync(expected, 'utf8')));
    });
  }
});
