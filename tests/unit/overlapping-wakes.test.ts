/**
 * Overlapping wakes (pure): another operation started less than the wake's lag apart, whose reach
 * covers a flagged town nearer to it than to this one, is named in the reading as a caution.
 */
import { describe, expect, it } from 'vitest';
import { overlappingWakes, type OtherOperation } from '../../server/domain/analytics/operation-analysis.js';
import { readOperation } from '../../server/domain/analytics/wake.js';

const options = { lagMonths: 6, distanceKm: 100 };
const here: [number, number] = [2.35, 48.85]; // Paris
const other = (startedOn: string, centre: [number, number], label?: string): OtherOperation => ({ startedOn, department: '93', centre, targetCells: [], label });
// Meaux (east, nearer an operation at Sevran) and Versailles (west, nearer Paris).
const meaux = { name: 'Meaux', longitude: 2.88, latitude: 48.96 };
const versailles = { name: 'Versailles', longitude: 2.13, latitude: 48.80 };

describe('overlapping wakes', () => {
  it('names the operations started less than the lag apart whose reach covers a flagged town nearer to them', () => {
    const sevran = other('2023-12-05', [2.53, 48.94], 'l’opération « Sevran »');
    const found = overlappingWakes('2023-09-25', here, [sevran], [meaux, versailles], options);
    expect(found).toEqual([{ label: 'l’opération « Sevran »', started_on: '2023-12-05', distance_km: 17, towns: ['Meaux'] }]); // 10.0 km north, 13.2 km east
    // Seven months apart: the wakes do not overlap. Beyond reach of the town: not named.
    expect(overlappingWakes('2023-05-01', here, [sevran], [meaux], options)).toEqual([]);
    expect(overlappingWakes('2023-09-25', here, [sevran], [meaux], { ...options, distanceKm: 10 })).toEqual([]);
    // No flagged town, nothing to warn about; no label, the operation is not named.
    expect(overlappingWakes('2023-09-25', here, [sevran], [], options)).toEqual([]);
    expect(overlappingWakes('2023-09-25', here, [other('2023-12-05', [2.53, 48.94])], [meaux], options)[0].label).toBe('une opération hors de votre périmètre');
  });

  it('adds the caution to displacement and diffusion readings only', () => {
    const effect = { undefined_reason: null, direct: { significant: true, p_value: 0.01, material: true, placebos: 40 }, buffer: null };
    const wake = { destinations: [{ commune: '77284', name: 'Meaux', size_class: 'ville_moyenne', linked: 9, expected: 0.4, history: 1, p_value: 0.0001, flagged: true, longitude: 2.88, latitude: 48.96 }], placebo: { placebos: 40, statistic: 5, p_value: 0.01, significant: true } };
    const overlap = [{ label: 'l’opération « Sevran »', started_on: '2023-12-05', distance_km: 16, towns: ['Meaux'] }];
    const read = readOperation(effect, wake, overlap);
    expect(read.reading).toBe('deplacement');
    expect(read.text).toMatch(/Prudence : un autre sillage recouvre celui-ci, l’opération « Sevran » \(début le 05\/12\/2023, à 16 km\), dont la portée couvre Meaux ; une partie de ces apparitions peut lui revenir\.$/);
    expect(readOperation(effect, wake).text).not.toContain('Prudence');
    const local = readOperation(effect, { ...wake, destinations: [] }, overlap);
    expect(local.reading).toBe('effet_local');
    expect(local.text).not.toContain('Prudence');
  });
});
