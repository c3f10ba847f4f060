/** The synthetic scenario's records, its ground truth and its inputs (generate.ts builds them). */
import type { ScenarioCommune } from './geography.js';
import type { OperationPlan, PlantedEffect } from './operations.js';

export type ScenarioVariant = 'planted' | 'null';

export interface ScenarioInput {
  seed: number;
  variant: ScenarioVariant;
  /** The traps an honest method must survive (all off in the demo): see `ScenarioTraps`. */
  traps?: ScenarioTraps;
  communes: readonly ScenarioCommune[];
  /** Department code -> persons implicated for trafficking in 2020 (SSMSI). */
  trafficking: ReadonlyMap<string, number>;
  /**
   * The registry variant (off in the demo): this share of the points is reported a second time by
   * another service, 5-60 m away, with the same life a little later and the same or fewer products.
   */
  duplicates?: { share: number };
}

/** A point reported twice: the original and the other service's copy (ground truth of the registry variant). */
export interface PlantedDuplicate { original: { source: string; externalId: string }; copy: { source: string; externalId: string }; distanceMeters: number }

/**
 * Traps for the methods: a seasonal swing of every department's count (amplitude, e.g. 0.2 for
 * +/-20 %, peaking in summer), and a surge of the targeted district and its surroundings in the
 * three months before the listed operations (+40 %, gone after: regression to the mean).
 */
export interface ScenarioTraps {
  seasonality?: number; surgeBefore?: readonly string[];
  /**
   * Districts (targets and buffers) follow their department's trend and season relative to the
   * operation's month instead of keeping their level (and an operation without effect leaves its
   * district following), a surge adds points to the department rather than displacing others in
   * it, and the points removed by operations weigh on the department's count as a share of its
   * level (following its trend and season).
   */
  followDepartment?: boolean;
}

export interface StatusEntry { status: 'active' | 'dismantled' | 'reopened'; on: string; operation?: string }

export interface ScenarioPoint {
  externalId: string; source: string; longitude: number; latitude: number; commune: string; department: string;
  products: string[]; network: string | null; history: StatusEntry[];
}

export interface ScenarioObservation { pointExternalId: string; pointSource: string; observedOn: string; activityLevel: number; estimatedDailyTransactions: number; source: string }
export interface ScenarioNetwork { externalId: string; name: string; department: string }
export interface ScenarioOperation { plan: OperationPlan; target: GeoJSON.MultiPolygon; endedOn: string; arrests: number; cannabisKg: number; cocaineKg: number; cashEur: number; weapons: number }

export interface PlantedMove {
  origin: string; destination: string; kind: 'local' | 'midsize'; commune: string; communeName: string;
  distanceKm: number; lagDays: number;
}

export interface OperationTruth {
  operation: string; name: string; startedOn: string; plantedEffect: PlantedEffect | 'none';
  /** The district surged in the three months before (a trap: the fall after is not the operation's). */
  preSurge: boolean;
  targetCells: string[]; bufferCells: string[];
  pointsInTargetBefore: number; dismantled: string[];
  bufferDismantled: string[]; reopened: string[];
  /** Planted towns and their moves; `trap`: towns given only 1-2 points, below what any test can tell from chance. */
  destinationTowns: { insee: string; name: string; planted: number; trap: boolean }[];
  moves: PlantedMove[];
}

export interface Scenario {
  seed: number; variant: ScenarioVariant;
  networks: ScenarioNetwork[]; points: ScenarioPoint[]; observations: ScenarioObservation[]; operations: ScenarioOperation[];
  truth: OperationTruth[];
  /** Only in the registry variant. */
  duplicates?: PlantedDuplicate[];
}

/** A point while the scenario runs: its state besides its record. */
export interface LivePoint extends ScenarioPoint {
  active: boolean; protectedUntil: number; planted: boolean; cell: string; lastChange: number;
}
