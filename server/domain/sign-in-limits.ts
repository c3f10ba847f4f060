/**
 * Sign-in throttling, the pure part: failures are counted in sliding windows per key (a client
 * address, a trusted device) in PostgreSQL, shared by every server process
 * (services/shared-limits.ts); this says how long to wait.
 */

/** Seconds until the oldest failure in the window (`oldestAgeMs` old) leaves it; at least 1. */
export function retryAfterSeconds(oldestAgeMs: number, windowMs: number): number {
  return Math.max(1, Math.ceil((windowMs - oldestAgeMs) / 1000));
}
