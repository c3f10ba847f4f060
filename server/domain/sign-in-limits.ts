/**
 * Sign-in throttling (pure, in memory per process): failures counted in sliding windows per key
 * (a client address, a trusted device), each failure tagged (with the username tried). Addresses
 * are kept only in memory, never stored.
 */
export class FailureWindows {
  private readonly failures = new Map<string, { at: number; tag: string }[]>();
  constructor(private readonly windowMs: number) {}

  private recent(key: string, now: number) {
    const kept = (this.failures.get(key) ?? []).filter((f) => now - f.at < this.windowMs);
    if (kept.length) this.failures.set(key, kept); else this.failures.delete(key);
    return kept;
  }

  count(key: string, now = Date.now()): number {
    return this.recent(key, now).length;
  }

  /** Distinct tags among the recent failures (usernames sprayed from one address). */
  distinct(key: string, now = Date.now()): number {
    return new Set(this.recent(key, now).map((f) => f.tag)).size;
  }

  add(key: string, tag = '', now = Date.now()): void {
    this.failures.set(key, [...this.recent(key, now), { at: now, tag }]);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Seconds until the oldest failure in the window expires. */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const kept = this.recent(key, now);
    return kept.length ? Math.max(1, Math.ceil((this.windowMs - (now - kept[0].at)) / 1000)) : 0;
  }
}
