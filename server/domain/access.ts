/**
 * Who may see what. Pure rules; the access plugin applies them to every route.
 * - national analyst (OFAST): all data;
 * - departmental analyst (CROSS): precise data of its departments, aggregated elsewhere;
 * - prefect: precise data of its department (read), analyses, sector ranking;
 * - deputy: aggregated data only (H3 no finer than resolution 7, or communes), counts below 5
 *   suppressed, no point coordinates, no operation still under way;
 * - admin: users and audit, no operational data;
 * - public (signed out): submit a report, read public statistics.
 */
export const roles = ['national_analyst', 'departmental_analyst', 'prefect', 'deputy', 'admin'] as const;
export type Role = (typeof roles)[number];
/** Personal access tokens: their lifetime in days, by default and at most. */
export const defaultTokenDays = 90;
export const maxTokenDays = 365;

export interface Principal { userId: number; username: string; role: Role; departments: string[] }

/** Who may call a route: anyone, any signed-in user, or the listed roles. */
export type Access = 'public' | 'signed_in' | readonly Role[];

export const analysts: readonly Role[] = ['national_analyst', 'departmental_analyst'];
export const preciseReaders: readonly Role[] = ['national_analyst', 'departmental_analyst', 'prefect'];
export const aggregateReaders: readonly Role[] = ['national_analyst', 'departmental_analyst', 'prefect', 'deputy'];

export function isAllowed(access: Access, principal: Principal | null): boolean {
  if (access === 'public') return true;
  if (!principal) return false;
  if (access === 'signed_in') return true;
  return access.includes(principal.role);
}

/** Departments whose precise data the principal may read: 'all', a list, or none. */
export function preciseScope(principal: Principal | null): 'all' | string[] {
  if (!principal) return [];
  if (principal.role === 'national_analyst') return 'all';
  if (principal.role === 'departmental_analyst' || principal.role === 'prefect') return principal.departments;
  return [];
}

/**
 * Whether an operation may be named to a reader with this precise scope: one of its departments,
 * or ended before `on` (ended operations are public knowledge; those under way stay in their departments).
 */
export function operationNameableIn(scope: 'all' | readonly string[], operation: { department_code: string; ended_on: string | null }, on: string): boolean {
  return scope === 'all' || scope.includes(operation.department_code) || (operation.ended_on !== null && operation.ended_on < on);
}

export function inPreciseScope(principal: Principal | null, department: string): boolean {
  const scope = preciseScope(principal);
  return scope === 'all' || scope.includes(department);
}

/** Finest H3 resolution the principal may receive for an area (in or out of its departments). */
export function finestAggregateResolution(principal: Principal | null, inScope: boolean): number {
  if (!principal || principal.role === 'admin') return -1;
  if (principal.role === 'deputy') return 7;
  return inScope || principal.role === 'national_analyst' ? 9 : 8;
}
