import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { indicatorCode, parseCrimeStatistics, unitCode } from '../../server/domain/crime-statistics.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('SSMSI files', () => {
  it('names indicators and units', () => {
    expect(indicatorCode('Trafic de stupéfiants')).toBe('trafic_de_stupefiants');
    expect(indicatorCode('Usage de stupéfiants (hors AFD)')).toBe('usage_de_stupefiants_hors_afd');
    expect(unitCode('Mis en cause')).toBe('persons_implicated');
    expect(unitCode('Véhicule')).toBe('vehicles');
    expect(unitCode('Personne')).toBeNull();
  });

  it('reads the official departmental format: semicolons, decimal commas, NA', () => {
    const { rows, problems } = parseCrimeStatistics(fixture('ssmsi-departements-officiel.csv'), 'departments');
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ area: '84', year: 2015, indicatorCode: 'trafic_de_stupefiants', unit: 'persons_implicated', count: 929, ratePer1000: 1.6361, population: 567817 });
    expect(rows[2]).toMatchObject({ area: '2A', count: null, ratePer1000: null });
  });

  it('reads the communal base and keeps withheld cells unknown, never zero', () => {
    const { rows, problems } = parseCrimeStatistics(fixture('ssmsi-communes-officiel.csv'), 'communes');
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.area, r.year, r.isPublished, r.count])).toEqual([
      ['84089', 2024, true, 41],
      ['84089', 2024, false, null],
      ['84014', 2024, false, null], // the file shows 3, but ndiff means withheld: unknown
      ['84035', 2024, true, 57],
      ['84035', 2023, true, 0], // a published zero stays zero
    ]);
  });

  it('reports bad rows with line, field and reason', () => {
    const text = 'CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse\n'
      + '84089;20x4;Trafic de stupéfiants;Mis en cause;1;1;diff\n'
      + '8408;2024;Trafic de stupéfiants;Mis en cause;1;1;diff\n'
      + '84089;2024;Trafic de stupéfiants;Personne;1;1;diff\n'
      + '84089;2024;Trafic de stupéfiants;Mis en cause;-2;1;diff\n'
      + '84089;2024;Trafic de stupéfiants;Mis en cause;1;1;peut-être\n';
    const { problems } = parseCrimeStatistics(text, 'communes');
    expect(problems.map((p) => [p.line, p.field])).toEqual([[2, 'annee'], [3, 'codgeo_2025'], [4, 'unite_de_compte'], [5, 'nombre'], [6, 'est_diffuse']]);
    expect(parseCrimeStatistics('a;b\n1;2\n', 'communes').problems.map((p) => p.field)).toContain('est_diffuse');
  });
});
