import { describe, expect, it } from 'vitest';
import { describeArea, describeMethod, describeRoute, describeTimeWindow } from '../../web/pages/journal-labels.js';

describe('the journal in French', () => {
  it('says what an entry touched', () => {
    expect(describeArea('department=13&id=4')).toBe('département 13, n° 4');
    expect(describeArea('deal_points=12,15&merge=3')).toBe('points de deal 12, 15, fusion 3');
    expect(describeArea('user=jean.d&role=deputy&active=false')).toBe('compte jean.d, rôle deputy, actif non');
    expect(describeArea('awaiting_approval')).toBe('compte en attente d’approbation');
    expect(describeArea('unknown_key=7')).toBe('unknown_key 7');
    expect(describeArea(null)).toBe('—');
    expect(describeArea('z=13, x 1–2, y 3–3', { z: 13, x_min: 1, x_max: 2, y_min: 3, y_max: 3 })).toBe('zoom 13, tuiles x 1 à 2, y 3');
    // An address out of range: the server sends the tiles' parts as null, and the area as null too.
    expect(describeArea(null, { z: null, x_min: null, x_max: null, y_min: null, y_max: null })).toBe('—');
  });

  it('names the part of Sillage read, and the period', () => {
    expect(describeRoute('/tiles/deal-points/:z/:x/:y.mvt')).toBe('Tuiles des points de deal');
    expect(describeRoute('/api/admin/audit/grouped')).toBe('Journal des accès');
    expect(describeRoute('/api/admin/users/:id/active')).toBe('Administration des comptes');
    expect(describeRoute('/api/deal-points-elsewhere')).toBe('/api/deal-points-elsewhere');
    expect(describeRoute('/api/unknown')).toBe('/api/unknown');
    expect(describeTimeWindow('from=2024-01&to=2024-12')).toBe('du 2024-01 au 2024-12');
    expect(describeTimeWindow(null)).toBe('—');
    expect(describeMethod('DELETE')).toBe('suppression');
  });
});
