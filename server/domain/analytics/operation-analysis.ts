/**
 * One operation's whole analysis (pure), as the server and the truth benchmark run it: the wake
 * first (its candidate destination towns are kept out of the control), then the effect, then the
 * reading. `period.to` is the data vintage or an explicit as-of date, never today's date.
 */
import { cellToLatLng } from 'h3-js';
import type { PointHistory } from './history.js';
import { defaultControls, operationAreas, operationEffect, type EffectOptions } from './displacement.js';
import { operationWake, readOperation, type Commune, type OverlappingWake, type WakeOptions } from './wake.js';
import { haversineKm } from './statistics.js';
import { monthOfDate } from '../months.js';

export interface OperationInput { id: number; startedOn: string; department: string; targetCells: readonly string[] }
/** `label`: how the reader may see it named (in French), when the overlap of wakes is reported. */
export interface OtherOperation { startedOn: string; department: string; centre: [number, number]; targetCells: readonly string[]; label?: string }

/**
 * The other operations whose wakes overlap this one's (started less than `lagMonths` apart) and
 * reach one of its flagged towns, nearer to them than to this one (within `distanceKm` of their
 * centre): appearances there may be theirs. The wake cannot tell them apart; the reading says so (pure).
 */
export function overlappingWakes(startedOn: string, centre: [number, number], others: readonly OtherOperation[], flagged: readonly { name: string; longitude: number; latitude: number }[],
  options: Pick<WakeOptions, 'lagMonths' | 'distanceKm'>): OverlappingWake[] {
  if (!flagged.length) return [];
  return others
    .filter((o) => Math.abs(monthOfDate(o.startedOn) - monthOfDate(startedOn)) < options.lagMonths)
    .map((o) => ({
      label: o.label ?? 'une opération hors de votre périmètre', started_on: o.startedOn,
      distance_km: Math.round(haversineKm(centre[0], centre[1], o.centre[0], o.centre[1])),
      towns: flagged.filter((t) => {
        const theirs = haversineKm(o.centre[0], o.centre[1], t.longitude, t.latitude);
        return theirs <= options.distanceKm && theirs < haversineKm(centre[0], centre[1], t.longitude, t.latitude);
      }).map((t) => t.name),
    }))
    .filter((o) => o.towns.length > 0)
    .sort((a, b) => a.started_on.localeCompare(b.started_on) || a.distance_km - b.distance_km);
}

export function analyseOperation(points: readonly PointHistory[], operation: OperationInput, others: readonly OtherOperation[], communes: readonly Commune[],
  period: { from: string; to: string }, effectOptions: EffectOptions, wakeOptions: WakeOptions) {
  const areas = operationAreas(operation.targetCells, effectOptions.bufferRings);
  const [lat, lon] = cellToLatLng([...areas.target][0]);
  const centre: [number, number] = [lon, lat];
  const local = new Set([...areas.target, ...areas.buffer]);
  const withinReach = others.filter((o) => haversineKm(centre[0], centre[1], o.centre[0], o.centre[1]) <= wakeOptions.distanceKm * 2).map((o) => o.startedOn);
  const wake = operationWake(points, operation.id, operation.startedOn, period, communes, wakeOptions, local, withinReach);
  // The control leaves out the towns the wake flags or finds unusual (p < 0.05): they may hold displaced points.
  const candidates = new Set(wake.destinations.filter((d) => d.flagged || d.p_value < 0.05).map((d) => d.commune));
  const sameDepartment = others.filter((o) => o.department === operation.department).map((o) => o.startedOn);
  // Nor the districts of other operations (targets and buffers): their own strikes are not a trend.
  const otherDistricts = new Set(others.flatMap((o) => { const a = operationAreas(o.targetCells, effectOptions.bufferRings); return [...a.target, ...a.buffer]; }));
  const effect = operationEffect(points, areas, operation.startedOn, effectOptions, defaultControls(operation.department, areas, centre, candidates, otherDistricts), period, sameDepartment, 10, otherDistricts, candidates);
  const overlaps = overlappingWakes(operation.startedOn, centre, others, wake.destinations.filter((d) => d.flagged), wakeOptions);
  return { areas, centre, effect, wake: { ...wake, overlapping_wakes: overlaps }, ...readOperation(effect, wake, overlaps) };
}
