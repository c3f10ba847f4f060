/**
 * One operation's whole analysis (pure), as the server and the truth benchmark run it: the wake
 * first (its candidate destination towns are kept out of the control), then the effect, then the
 * reading. `period.to` is the data vintage or an explicit as-of date, never today's date.
 */
import { cellToLatLng } from 'h3-js';
import type { PointHistory } from './history.js';
import { defaultControls, operationAreas, operationEffect, type EffectOptions } from './displacement.js';
import { operationWake, readOperation, type Commune, type WakeOptions } from './wake.js';
import { haversineKm } from './statistics.js';

export interface OperationInput { id: number; startedOn: string; department: string; targetCells: readonly string[] }
export interface OtherOperation { startedOn: string; department: string; centre: [number, number]; targetCells: readonly string[] }

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
  return { areas, centre, effect, wake, ...readOperation(effect, wake) };
}
