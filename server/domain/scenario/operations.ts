/**
 * The scenario's "place nette" operations (from autumn 2023) over real districts of metropolises,
 * each with the effect planted after it. Displacement destinations are real towns 20-80 km away.
 */
export type PlantedEffect = 'displacement' | 'diffusion' | 'no_effect';

export interface OperationPlan {
  externalId: string;
  name: string;
  kind: 'place_nette' | 'operation_ampleur';
  /** District centre [lon, lat] and the commune it lies in. */
  centre: [number, number];
  communeInsee: string;
  department: string;
  startedOn: string;
  durationDays: number;
  effect: PlantedEffect;
  /** Active points placed in the district beforehand (part of the department's count). */
  pointsInTarget: number;
  /** Active points placed around it beforehand, in the buffer rings. */
  pointsInBuffer?: number;
  /** Mid-sized towns (INSEE) receiving displaced points, for displacement; the last two are traps given only 1 and 2 points. */
  destinations: string[];
  officers: number;
}

export const operationPlans: readonly OperationPlan[] = Object.freeze([
  {
    externalId: 'SYN-OP-2023-093-01', name: 'Place nette Saint-Ouen (Cordon - Bauer)', kind: 'place_nette',
    centre: [2.3385, 48.9075], communeInsee: '93070', department: '93', startedOn: '2023-09-25', durationDays: 3,
    effect: 'displacement', pointsInTarget: 48, destinations: ['77284', '60175', '78361', '77288', '60159'], officers: 650,
  },
  {
    externalId: 'SYN-OP-2023-030-01', name: 'Place nette Nîmes (Pissevin)', kind: 'place_nette',
    centre: [4.3246, 43.8295], communeInsee: '30189', department: '30', startedOn: '2023-11-14', durationDays: 2,
    effect: 'no_effect', pointsInTarget: 30, destinations: [], officers: 300,
  },
  {
    externalId: 'SYN-OP-2023-093-02', name: 'Place nette Sevran (Beaudottes - Montceleux)', kind: 'place_nette',
    centre: [2.5262, 48.9403], communeInsee: '93071', department: '93', startedOn: '2023-12-05', durationDays: 3,
    effect: 'diffusion', pointsInTarget: 36, destinations: [], officers: 500,
  },
  {
    externalId: 'SYN-OP-2024-069-01', name: 'Place nette Lyon (La Duchère)', kind: 'place_nette',
    centre: [4.7941, 45.7860], communeInsee: '69123', department: '69', startedOn: '2024-02-20', durationDays: 3,
    effect: 'displacement', pointsInTarget: 48, destinations: ['69264', '38544', '38053', '42207', '01053'], officers: 700,
  },
  {
    externalId: 'SYN-OP-2024-013-01', name: 'Place nette XXL Marseille (quartiers Nord)', kind: 'place_nette',
    centre: [5.3700, 43.3560], communeInsee: '13055', department: '13', startedOn: '2024-03-18', durationDays: 3,
    effect: 'displacement', pointsInTarget: 64,
    destinations: ['84089', '84035', '84031', '84003', '04112', '13103'], officers: 4000,
  },
  {
    externalId: 'SYN-OP-2024-038-01', name: 'Place nette Grenoble (Mistral)', kind: 'place_nette',
    centre: [5.7069, 45.1752], communeInsee: '38185', department: '38', startedOn: '2024-04-16', durationDays: 2,
    effect: 'diffusion', pointsInTarget: 32, destinations: [], officers: 350,
  },
  {
    externalId: 'SYN-OP-2024-031-01', name: 'Place nette Toulouse (Le Mirail)', kind: 'place_nette',
    centre: [1.3989, 43.5779], communeInsee: '31555', department: '31', startedOn: '2024-05-21', durationDays: 2,
    effect: 'no_effect', pointsInTarget: 30, destinations: [], officers: 400,
  },
  {
    externalId: 'SYN-OP-2024-059-01', name: 'Place nette Lille (Moulins - Wazemmes)', kind: 'place_nette',
    centre: [3.0620, 50.6240], communeInsee: '59350', department: '59', startedOn: '2024-09-10', durationDays: 3,
    effect: 'diffusion', pointsInTarget: 34, destinations: [], officers: 450,
  },
  {
    externalId: 'SYN-OP-2025-006-01', name: "Opération d'ampleur Nice (Les Moulins)", kind: 'operation_ampleur',
    centre: [7.2068, 43.6850], communeInsee: '06088', department: '06', startedOn: '2025-02-11', durationDays: 2,
    effect: 'no_effect', pointsInTarget: 30, destinations: [], officers: 300,
  },
]);

/** Planted effect sizes. */
export const effectParameters = {
  // Lags count calendar months after the operation's month; arrivals fall on a random day of that
  // month, so [1, 2] arrives within 3 months of the operation and [1, 5] within 6.
  displacement: { dismantledShare: 0.85, localShare: 0.25, midsizeShare: 0.55, localLagMonths: [1, 2], midsizeLagMonths: [1, 5] },
  diffusion: { dismantledShare: 0.8, bufferDismantledShare: 0.5, bufferLagMonths: [0, 2] },
  no_effect: { dismantledShare: 0.1, reopenLagMonths: [1, 2] },
  /** Points seeded in each operation's buffer rings (so the buffer's change can be measured). */
  pointsInBuffer: 16,
  /** Points removed by an operation come back into the department's count over this many months. */
  recoveryMonths: 24,
  /** H3 resolution of target and buffer cells; target = the district cell's disk of radius 2. */
  h3Resolution: 8,
  targetRings: 2,
  /** Buffer rings around the target (res 8: ~0.9 km each, so about 2.6 km). */
  bufferRings: 3,
} as const;
