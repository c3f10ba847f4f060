import { describe, expect, it } from 'vitest';
import { parseImport, previewImport } from '../../server/domain/import-files.js';
import { statusHistoryText, type DealPointRecord, type ObservationRecord, type OperationRecord } from '../../server/domain/import-rows.js';

describe('import parsing: deal points in CSV', () => {
  it('reads semicolons, decimal commas, a BOM and a status history', () => {
    const text = '\uFEFFexternal_id;source;lat;lon;first_seen_on;dismantled_on;products\n'
      + 'A1;gendarmerie;43,6931;5,5345;2023-01-15;2024-03-19;cocaine|cannabis_resine\n';
    const parsed = parseImport(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.kind).toBe('deal-points');
    const record = parsed.records[0] as DealPointRecord;
    expect(record).toMatchObject({ line: 2, source: 'gendarmerie', external_id: 'A1', longitude: 5.5345, latitude: 43.6931, products: ['cocaine', 'cannabis_resine'] });
    expect(record.status_history).toEqual([{ status: 'active', effective_on: '2023-01-15' }, { status: 'dismantled', effective_on: '2024-03-19' }]);
  });

  it('names a point without external id by its Sillage id (the export\'s id column, a feature\'s id), once per file', () => {
    const csv = parseImport('id;source;external_id;lat;lon;first_seen_on\n41;gendarmerie;;43,6931;5,5345;2023-01-15\n42;gendarmerie;B2;43,6931;5,5345;2023-01-15\n41;gendarmerie;;43,7;5,53;2023-01-15\n;gendarmerie;;43,7;5,53;2023-01-15');
    expect(csv.records.map((r) => [(r as DealPointRecord).point_id, (r as DealPointRecord).external_id])).toEqual([[41, ''], [null, 'B2']]);
    expect(csv.problems).toEqual([
      { line: 4, field: 'external_id', reason: 'duplicates line 2 of this file' },
      { line: 5, field: 'external_id', reason: 'is required' },
    ]);
    const geojson = parseImport(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [5.5345, 43.6931] }, properties: { source: 'douane', external_id: null, status_history: 'active:2023-01-15' } }] }));
    expect(geojson.problems).toEqual([]);
    expect(geojson.records[0]).toMatchObject({ point_id: 7, external_id: '', source: 'douane' });
  });

  it('reads commas with quoted fields and an explicit status_history column', () => {
    const text = 'external_id,source,latitude,longitude,status_history,products\n'
      + '"B,1",police_nationale,43.2803,5.3806,active:2021-01-01|dismantled:2024-03-19|reopened:2024-07-01,"crack,cocaine"\n';
    const parsed = parseImport(text);
    expect(parsed.problems).toEqual([]);
    const record = parsed.records[0] as DealPointRecord;
    expect(record.external_id).toBe('B,1');
    expect(record.status_history.map((e) => e.status)).toEqual(['active', 'dismantled', 'reopened']);
    expect(record.products).toEqual(['crack', 'cocaine']);
  });

  it('converts Lambert-93 x/y', () => {
    const parsed = parseImport('external_id;source;x;y;first_seen_on\nL1;douane;700000;6600000;2022-05-01\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.records[0]).toMatchObject({ longitude: 3, latitude: 46.5 });
  });

  it('reports every bad row with its line, field and reason', () => {
    const text = 'external_id;source;lat;lon;first_seen_on\n'
      + 'C1;gendarmerie;43,69;5,53;2024-01-05\n' // fine
      + 'C2;armée;43,69;5,53;2024-01-05\n' // unknown source
      + 'C3;gendarmerie;95;5,53;2024-01-05\n' // latitude out of range
      + 'C4;gendarmerie;43,69;5,53;2024-02-30\n' // not a date
      + ';gendarmerie;43,69;5,53;2024-01-05\n' // missing external id
      + 'C1;gendarmerie;43,70;5,54;2024-01-06\n' // duplicate in file
      + 'C6;gendarmerie;6280000;893000;2024-01-05\n'; // projected metres in lat/lon columns
    const parsed = parseImport(text);
    const byLine = Object.fromEntries(parsed.problems.map((p) => [p.line, `${p.field}: ${p.reason}`]));
    expect(byLine[3]).toMatch(/^source: "armée" is not one of/);
    expect(byLine[4]).toMatch(/^lat\/lon: latitude 95 is outside -90..90/);
    expect(byLine[5]).toMatch(/^first_seen_on: "2024-02-30" is not a date/);
    expect(byLine[6]).toBe('external_id: is required');
    expect(byLine[7]).toBe('external_id: duplicates line 2 of this file');
    expect(byLine[8]).toMatch(/look like projected metres/);
    expect(byLine[2]).toBeUndefined();
    expect(parsed.rowCount).toBe(7);
  });

  it('refuses a ragged CSV and an empty file', () => {
    expect(parseImport('external_id;source\nA;b;c\n', { kind: 'deal-points' }).problems[0].field).toBe('file');
    expect(parseImport('', { kind: 'deal-points' }).problems[0].reason).toMatch(/empty/);
  });

  it('asks for the kind when columns do not tell', () => {
    expect(parseImport('a;b\n1;2\n').problems[0].field).toBe('kind');
  });
});

describe('import parsing: GeoJSON, observations, operations', () => {
  it('reads deal points from a FeatureCollection of Points', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [5.5345, 43.6931] }, properties: { external_id: 'G1', source: 'transport', first_seen_on: '2024-01-01', products: ['heroine'] } }],
    });
    const parsed = parseImport(text);
    expect(parsed.format).toBe('geojson');
    expect(parsed.problems).toEqual([]);
    expect(parsed.records[0]).toMatchObject({ external_id: 'G1', longitude: 5.5345, products: ['heroine'] });
  });

  it('reports invalid JSON and non-collections', () => {
    expect(parseImport('{"type": "FeatureCollection", ', { format: 'geojson', kind: 'deal-points' }).problems[0].reason).toMatch(/not valid JSON/);
    expect(parseImport('{"type":"Feature"}', { kind: 'deal-points' }).problems[0].reason).toMatch(/FeatureCollection/);
  });

  it('reads observations and requires a measure', () => {
    const parsed = parseImport('deal_point_external_id;source;observed_on;activity_level;estimated_daily_transactions\nA1;gendarmerie;2024-02-01;3;\nA1;gendarmerie;2024-03-01;;\n');
    expect(parsed.kind).toBe('observations');
    expect((parsed.records[0] as ObservationRecord).activity_level).toBe(3);
    expect(parsed.problems).toEqual([{ line: 3, field: 'activity_level', reason: 'give activity_level (0-4) or estimated_daily_transactions' }]);
  });

  it('reads operations with a polygon target and refuses an end before the start', () => {
    const target = { type: 'Polygon', coordinates: [[[5.37, 43.3], [5.39, 43.3], [5.39, 43.32], [5.37, 43.32], [5.37, 43.3]]] };
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: target, properties: { external_id: 'OP1', source: 'police_nationale', name: 'Place nette XXL', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-20', arrests: 82 } },
        { type: 'Feature', geometry: target, properties: { external_id: 'OP2', source: 'police_nationale', name: 'Bad', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-01' } },
      ],
    });
    const parsed = parseImport(text);
    expect(parsed.kind).toBe('operations');
    expect((parsed.records[0] as OperationRecord).arrests).toBe(82);
    expect(parsed.problems).toEqual([{ line: 2, field: 'ended_on', reason: '2024-03-01 is before started_on 2024-03-18' }]);
  });
});

describe('import parsing: the API\'s own GeoJSON', () => {
  it('reads a status history given as objects, operations by external id or #id, and a network by internal id', () => {
    const history = Object.freeze([
      Object.freeze({ status: 'active', effective_on: '2023-01-15', operation_id: null }),
      Object.freeze({ status: 'dismantled', effective_on: '2024-03-19', operation_id: 7 }),
      Object.freeze({ status: 'reopened', effective_on: '2024-06-01', operation: 'OP-1' }),
    ]);
    expect(statusHistoryText(history)).toBe('active:2023-01-15|dismantled:2024-03-19:#7|reopened:2024-06-01:OP-1');
    expect(statusHistoryText([{ status: 'active' }])).toBeNull();
    expect(statusHistoryText([{ status: 'active', effective_on: '2023-01-15', operation_id: 'x' }])).toBeNull();
    const file = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [5.5345, 43.6931] },
      properties: { source: 'gendarmerie', external_id: 'GN-1', products: ['crack'], network_id: 3, status: 'reopened', status_history: history } }] });
    const parsed = parseImport(file);
    expect(parsed.problems).toEqual([]);
    expect(parsed.records[0]).toMatchObject({ network_external_id: '#3', status_history: [{ status: 'active' }, { status: 'dismantled', operation: '#7' }, { status: 'reopened', operation: 'OP-1' }] });
    const broken = parseImport(file.replace('"effective_on":"2023-01-15"', '"effective_on":20230115'));
    expect(broken.problems).toEqual([expect.objectContaining({ line: 1, field: 'status_history' })]);
  });
});

describe('import preview', () => {
  it('tells the separator, decimal comma, coordinates and first rows without reading the database', () => {
    const preview = previewImport('\uFEFFexternal_id;source;x;y;first_seen_on\nL-1;douane;893000;6247000;2024-01-01\nL-2;douane;893000,5;6247000;2024-01-01', { firstRows: 1 });
    expect(preview).toMatchObject({ format: 'csv', kind: 'deal-points', delimiter: ';', decimal_comma: true, coordinates: 'x/y (Lambert-93)', row_count: 2, problems: [] });
    expect(preview.rows).toEqual([{ line: 2, values: { external_id: 'L-1', source: 'douane', x: '893000', y: '6247000', first_seen_on: '2024-01-01' } }]);
    expect(previewImport('a,b\n1,2').kind).toBeNull();
  });
});
