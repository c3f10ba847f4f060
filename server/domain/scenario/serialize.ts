/**
 * The scenario as files, the way Sillage imports them: deal points and observations as CSV,
 * operations as GeoJSON, networks as CSV, and the ground truth as JSON (never loaded). Fixed
 * formatting, so the same scenario always gives the same bytes.
 */
import type { Scenario } from './generate.js';

export interface ScenarioFiles {
  'networks.csv': string;
  'operations.geojson': string;
  'deal-points.csv': string;
  'observations.csv': string;
  'ground-truth.json': string;
}

const csvField = (value: string) => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export function serializeScenario(scenario: Scenario): ScenarioFiles {
  const networks = ['external_id;source;name;department', ...scenario.networks.map((n) => [n.externalId, 'police_nationale', csvField(n.name), n.department].join(';'))];
  const operations = {
    type: 'FeatureCollection',
    features: scenario.operations.map((o) => ({
      type: 'Feature',
      geometry: { type: 'MultiPolygon', coordinates: o.target.coordinates.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => [round6(x), round6(y)]))) },
      properties: {
        external_id: o.plan.externalId, source: 'police_nationale', name: o.plan.name, kind: o.plan.kind,
        started_on: o.plan.startedOn, ended_on: o.endedOn, arrests: o.arrests, officers_mobilised: o.plan.officers,
        cannabis_seized_kg: o.cannabisKg, cocaine_seized_kg: o.cocaineKg, cash_seized_eur: o.cashEur, weapons_seized: o.weapons,
        dataset: 'synthetic',
      },
    })),
  };
  const points = ['external_id;source;lat;lon;status_history;products;network_external_id;network_source;dataset',
    ...scenario.points.map((p) => [
      p.externalId, p.source, p.latitude.toFixed(6), p.longitude.toFixed(6),
      p.history.map((h) => `${h.status}:${h.on}${h.operation ? `:${h.operation}` : ''}`).join('|'),
      p.products.join('|'), p.network ?? '', p.network ? 'police_nationale' : '', 'synthetic',
    ].join(';'))];
  const observations = ['deal_point_external_id;deal_point_source;source;observed_on;activity_level;estimated_daily_transactions',
    ...scenario.observations.map((o) => [o.pointExternalId, o.pointSource, o.source, o.observedOn, o.activityLevel, o.estimatedDailyTransactions].join(';'))];
  const truth = {
    scenario: scenario.variant === 'planted' ? 'demo (planted displacement)' : 'null (no planted displacement)',
    seed: scenario.seed, variant: scenario.variant,
    note: 'Synthetic data. Ground truth of the planted effects; never loaded into the database.',
    operations: scenario.truth,
    ...(scenario.duplicates ? { duplicates: scenario.duplicates } : {}),
  };
  return {
    'networks.csv': networks.join('\n') + '\n',
    'operations.geojson': JSON.stringify(operations) + '\n',
    'deal-points.csv': points.join('\n') + '\n',
    'observations.csv': observations.join('\n') + '\n',
    'ground-truth.json': JSON.stringify(truth, null, 1) + '\n',
  };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
