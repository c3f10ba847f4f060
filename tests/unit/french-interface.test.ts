/**
 * The interface's French: every error code the server can answer has a French sentence, the
 * common bad-input reasons are translated, each page has its own title, and the sign-in form only
 * sends users back to a page of this site.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { frenchErrorCodes, frenchMessage, frenchReason } from '../../web/api/french-errors.js';
import { pageTitle, safeReturnPath } from '../../web/page-titles.js';
import { frenchLabel, roleLabels, sourceLabels } from '../../web/labels.js';
import { frenchAxisLabel } from '../../web/format.js';

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Words that betray an English sentence in what the user reads.
const english = /\b(the|is|must|does|not|exist|already|required|unknown|property|wrong|sign in|retry|allowed|should)\b/i;

describe('the API errors, in French', () => {
  it('has a French sentence for every error code the server answers with', () => {
    const codes = new Set<string>();
    for (const file of sources('server')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:DomainError\(\d{3}, |super\(\d{3}, |(?<![a-z_])code = |(?<![a-z_])error: )'([a-z_]+)'/g)) codes.add(match[1]);
    }
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((code) => !frenchErrorCodes.includes(code));
    expect(missing).toEqual([]);
  });

  it('says the common answers in French, naming the field', () => {
    const cases: [string, number, string, { field: string; reason: string }[]][] = [
      ['not_found', 404, 'operation 999 does not exist', [{ field: 'id', reason: 'unknown id' }]],
      ['validation_error', 400, 'body.name: is required', [{ field: 'body.name', reason: 'is required' }]],
      ['validation_error', 400, 'body.kind: must be one of: place_nette, autre', [{ field: 'body.kind', reason: 'must be one of: place_nette, autre' }]],
      ['validation_error', 400, 'body.arrests: must be integer', [{ field: 'body.arrests', reason: 'must be integer' }, { field: 'body.x', reason: 'is not a known property' }]],
      ['validation_error', 400, 'querystring.resolution: must be <= 9', [{ field: 'querystring.resolution', reason: 'must be <= 9' }]],
      ['unprocessable', 422, 'location: is not inside any French commune', [{ field: 'location', reason: 'is not inside any French commune (at sea, abroad, or not in the reference data)' }]],
      ['constraint_violation', 422, 'ended_on: must not be before started_on', [{ field: 'ended_on', reason: 'must not be before started_on' }]],
      ['duplicate', 409, 'external_id: is already used by another deal point from this source', [{ field: 'external_id', reason: 'is already used by another deal point from this source' }]],
      ['version_conflict', 409, 'deal point 3 is at version 4, not 3: reload it and retry', [{ field: 'version', reason: 'expected 4' }]],
      ['forbidden', 403, 'the role deputy may not call POST /api/operations', []],
      ['internal_error', 500, 'internal error; it has been logged', []],
      [undefined as unknown as string, 404, 'no route GET /api/nothing', []],
    ];
    for (const [code, status, message, details] of cases) {
      const french = frenchMessage(code, status, message, details);
      expect(french, `${code}: ${french}`).not.toMatch(english);
      expect(french).not.toContain('_');
    }
    expect(frenchMessage('validation_error', 400, 'x', [{ field: 'body.name', reason: 'is required' }])).toBe('Saisie refusée : « nom » est obligatoire.');
    expect(frenchMessage('validation_error', 400, 'x', [{ field: 'body.arrests', reason: 'must be integer' }, { field: 'body.x', reason: 'is required' }]))
      .toBe('Saisie refusée : « interpellations » doit être un nombre entier (et 1 autre problème).');
    expect(frenchReason('must be >= 1')).toBe('doit être ≥ 1');
    expect(frenchReason('must be one of: police_nationale, rural')).toBe('doit être l’une des valeurs : Police nationale, commune rurale');
    expect(frenchReason('must NOT have more than 200 characters')).toBe('ne doit pas dépasser 200 caractères');
  });
});

describe('the labels', () => {
  it('shows French words for codes, and words for an unknown code', () => {
    expect(frenchLabel(roleLabels, 'departmental_analyst')).toBe('Analyste départemental (CROSS)');
    expect(frenchLabel(sourceLabels, 'police_nationale')).toBe('Police nationale');
    expect(frenchLabel(sourceLabels, 'nouvelle_source')).toBe('nouvelle source');
    expect(frenchLabel(sourceLabels, null)).toBe('—');
  });

  it('writes chart axes in French, not ISO', () => {
    expect(frenchAxisLabel('2019-01')).toBe('janv. 2019');
    expect(frenchAxisLabel('2024-08-31')).toBe('31/08/2024');
    expect(frenchAxisLabel('S1')).toBe('S1');
  });
});

describe('page titles and the way back after signing in', () => {
  it('gives each page its own title', () => {
    const paths = ['/', '/statistiques', '/signaler', '/signaler/suivi', '/connexion', '/operations', '/operations/12', '/points', '/imports', '/moderation',
      '/doublons', '/fiabilite', '/comptes', '/admin/journal', '/admin/comptes', '/instantanes', '/etat-de-la-menace', '/secteurs', '/plan-d-action',
      '/compte/jetons', '/activer', '/accessibilite', '/mentions-legales', '/donnees-personnelles'];
    const titles = paths.map((path) => pageTitle(path, true));
    expect(new Set(titles).size).toBe(paths.length);
    for (const title of titles) expect(title).toMatch(/^.+ — Sillage$/);
    expect(pageTitle('/', false)).toBe('Accueil — Sillage');
    expect(pageTitle('/', true)).toBe('Carte des points de deal — Sillage');
    expect(pageTitle('/nulle-part', true)).toBe('Page introuvable — Sillage');
  });

  it('returns only to a page of this site', () => {
    expect(safeReturnPath('/?c=5.5,43.7&z=11')).toBe('/?c=5.5,43.7&z=11');
    expect(safeReturnPath('/operations/3')).toBe('/operations/3');
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/connexion?suite=/', '', null]) expect(safeReturnPath(bad)).toBeNull();
  });
});
