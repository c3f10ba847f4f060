/**
 * Geometry checks against in/out fixtures (Turf style): for each geometry of
 * tests/fixtures/geometries/in/, the problems found when it is given as a deal point's position
 * and as an operation's target, and its RFC 7946 form (rings counter-clockwise outside, clockwise
 * inside, 6 decimals) when it is structurally sound. `REGEN=1` rewrites out/: review the diff.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { areaProblems, pointProblems } from '../../server/domain/geojson-checks.js';
import { rfc7946Geometry } from '../../server/domain/rfc7946.js';

const folder = new URL('../fixtures/geometries/', import.meta.url).pathname;
const inputs = readdirSync(`${folder}in`).sort();
const regenerate = process.env.REGEN === '1';

function reading(geometry: unknown) {
  const asPoint = pointProblems(geometry, 'geometry');
  const asArea = areaProblems(geometry, 'target');
  const sound = (asPoint.length === 0 || asArea.length === 0) ? geometry as GeoJSON.Geometry : null;
  return { as_point: asPoint, as_area: asArea, rfc7946: sound ? rfc7946Geometry(sound) : null };
}

describe('geometry fixtures', () => {
  it('has fixtures, each with its expected reading', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(10);
    if (!regenerate) for (const name of inputs) expect(existsSync(`${folder}out/${name}.json`), name).toBe(true);
  });

  for (const name of inputs) {
    it(`checks ${name} as expected`, () => {
      const result = JSON.parse(JSON.stringify(reading(JSON.parse(readFileSync(`${folder}in/${name}`, 'utf8')))));
      const expected = `${folder}out/${name}.json`;
      if (regenerate) {
        mkdirSync(`${folder}out`, { recursive: true });
        writeFileSync(expected, `${JSON.stringify(result, null, 2)}\n`);
      }
      expect(result).toEqual(JSON.parse(readFileSync(expected, 'utf8')));
    });
  }
});
