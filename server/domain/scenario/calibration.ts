/**
 * Calibration of the scenario on the published figures (db/reference provenance, DOMAIN):
 * national census 3,952 active deal points in Dec 2020, 3,233 in Oct 2022, about 3,000 in 2024;
 * Seine-Saint-Denis 276, Rhône 255, Nord 251 (Dec 2020); Bouches-du-Rhône 220 (end 2020) -> 127
 * (end 2023); Vaucluse about 50 (May 2021) and 69 (March 2022); none in Lozère or Hautes-Alpes.
 * Other departments share the rest in proportion to their SSMSI trafficking figures (2020).
 */
import { monthCount, scenarioMonth } from './calendar.js';

type Anchors = [month: number, count: number][];

export const nationalAnchors: Anchors = [
  [scenarioMonth(2019, 1), 3700], [scenarioMonth(2020, 12), 3950], [scenarioMonth(2022, 10), 3230],
  [scenarioMonth(2024, 6), 3000], [scenarioMonth(2025, 12), 2950],
];

export const departmentAnchors: Record<string, Anchors> = {
  '93': [[scenarioMonth(2019, 1), 262], [scenarioMonth(2020, 12), 276], [scenarioMonth(2022, 10), 228], [scenarioMonth(2024, 6), 212], [scenarioMonth(2025, 12), 206]],
  '69': [[scenarioMonth(2019, 1), 243], [scenarioMonth(2020, 12), 255], [scenarioMonth(2022, 10), 210], [scenarioMonth(2024, 6), 196], [scenarioMonth(2025, 12), 190]],
  '59': [[scenarioMonth(2019, 1), 238], [scenarioMonth(2020, 12), 251], [scenarioMonth(2022, 10), 207], [scenarioMonth(2024, 6), 193], [scenarioMonth(2025, 12), 188]],
  '13': [[scenarioMonth(2019, 1), 214], [scenarioMonth(2020, 12), 220], [scenarioMonth(2023, 12), 127], [scenarioMonth(2025, 12), 120]],
  '84': [[scenarioMonth(2019, 1), 42], [scenarioMonth(2021, 5), 50], [scenarioMonth(2022, 3), 69], [scenarioMonth(2025, 12), 70]],
  '48': [[0, 0], [monthCount - 1, 0]],
  '05': [[0, 0], [monthCount - 1, 0]],
};

/** Largest count any department not anchored above may reach (keeps the published top three). */
export const departmentCap = 240;

export function interpolate(anchors: Anchors, m: number): number {
  if (m <= anchors[0][0]) return anchors[0][1];
  for (let i = 1; i < anchors.length; i++) {
    const [m1, v1] = anchors[i];
    const [m0, v0] = anchors[i - 1];
    if (m <= m1) return v0 + ((v1 - v0) * (m - m0)) / (m1 - m0);
  }
  return anchors[anchors.length - 1][1];
}

/**
 * Monthly target of active points per department (before operations' effects), from the anchors
 * and, for the others, the SSMSI trafficking counts. `trafficking`: department code -> persons
 * implicated for trafficking (2020).
 */
export function departmentTargets(trafficking: ReadonlyMap<string, number>): Map<string, number[]> {
  const targets = new Map<string, number[]>();
  const anchored = Object.keys(departmentAnchors);
  for (const code of anchored) targets.set(code, Array.from({ length: monthCount }, (_, m) => Math.round(interpolate(departmentAnchors[code], m))));
  const others = [...trafficking.keys()].filter((code) => !anchored.includes(code)).sort();
  for (let m = 0; m < monthCount; m++) {
    const remainder = interpolate(nationalAnchors, m) - anchored.reduce((sum, code) => sum + targets.get(code)![m], 0);
    // Proportional shares with a cap, the excess handed to the uncapped departments.
    const shares = new Map(others.map((code) => [code, 0]));
    let open = [...others];
    let left = remainder;
    for (let round = 0; round < 10 && open.length && left > 0.5; round++) {
      const weight = open.reduce((sum, code) => sum + trafficking.get(code)!, 0);
      const stillOpen: string[] = [];
      let given = 0;
      for (const code of open) {
        const wanted = shares.get(code)! + (left * trafficking.get(code)!) / weight;
        const granted = Math.min(wanted, departmentCap);
        given += granted - shares.get(code)!;
        shares.set(code, granted);
        if (granted < departmentCap) stillOpen.push(code);
      }
      left -= given;
      open = stillOpen;
    }
    for (const code of others) {
      if (!targets.has(code)) targets.set(code, new Array(monthCount).fill(0));
      targets.get(code)![m] = Math.round(shares.get(code)!);
    }
  }
  return targets;
}
