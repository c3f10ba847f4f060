import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  /** Real PostgreSQL + PostGIS; when absent, Sillage runs on the embedded PGlite database. */
  databaseUrl: string | null;
  /**
   * A streaming standby of DATABASE_URL (DATABASE_READ_URL) for the read-only routes that declare
   * `config.replica`; null without one. Ignored in embedded mode (no DATABASE_URL): PGlite has no replica.
   */
  databaseReadUrl: string | null;
  /** Replica routes read the primary while the replica is further behind than this (seconds; 0: no limit). */
  replicaMaxLagSeconds: number;
  /** Folder holding the embedded database's files (embedded mode only). */
  dataDirectory: string;
  host: string;
  port: number;
  logLevel: string;
  /** Largest accepted JSON body, in bytes; imports have their own, larger limit. */
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
  /** Load the synthetic demo scenario on first start (embedded mode: on by default; external: off). */
  loadDemo: boolean;
  /** Where scenario files and their ground truth are written. */
  scenarioDirectory: string;
  /** Session cookies marked Secure (on by default; browsers accept them on localhost too). */
  secureCookies: boolean;
  /** Distinct usernames failing sign-in per minute from one client address (spraying). */
  signInRateLimitPerMinute: number;
  /** Failed sign-ins per username in 15 minutes (all addresses) before untrusted browsers wait. */
  signInFailuresPerUsername: number;
  /** Public reports accepted per client address and minute (the address is never stored). */
  reportRateLimitPerMinute: number;
  /** Tile reads are journalled in batches: one INSERT at most this often (and on close). */
  auditFlushMs: number;
  /** Secret signing the public form tokens; when not set, generated once and kept in the database (shared by every process). */
  secret: string | null;
  /** Optional online raster basemap under the map ({z}/{x}/{y} template); the map never needs it. */
  basemapUrl: string | null;
  /** Optional offline vector basemap: a PMTiles archive the operator provides (streets, water, buildings), served at /basemap.pmtiles. */
  basemapFile: string | null;
  /** Database role the server runs as after start-up on a real PostgreSQL (null: the login role). */
  applicationRole: string | null;
  /**
   * Which reverse proxies are believed about the client (X-Forwarded-For) and the public address
   * (X-Forwarded-Host, X-Forwarded-Proto): false (none, the default), true (any), a number of hops,
   * or proxy addresses / CIDR ranges (Fastify's trustProxy).
   */
  trustProxy: boolean | number | string[];
  /** Bytes of encoded tiles kept in memory, keyed by the data version (0: no cache). */
  tileCacheBytes: number;
}

function trustProxyFromEnvironment(environment: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = (environment.SILLAGE_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'off') return false;
  if (raw === 'on') return true;
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((part) => part.trim()).filter(Boolean);
  // An address, a CIDR range (IPv4 or IPv6) or proxy-addr's names (loopback, linklocal, uniquelocal).
  const valid = (part: string) => /^(loopback|linklocal|uniquelocal)$/.test(part) || /^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/.test(part);
  if (!addresses.length || !addresses.every(valid)) {
    throw new Error(`SILLAGE_TRUST_PROXY must be off, on, a number of proxies, or proxy addresses/CIDR ranges separated by commas, got "${raw}"`);
  }
  return addresses;
}

function basemapFromEnvironment(environment: NodeJS.ProcessEnv): string | null {
  const raw = environment.SILLAGE_BASEMAP_URL;
  if (!raw) return null;
  if (!/^https?:\/\/\S+$/.test(raw) || !['{z}', '{x}', '{y}'].every((part) => raw.includes(part))) {
    throw new Error(`SILLAGE_BASEMAP_URL must be an http(s) tile template with {z}, {x} and {y}, got "${raw}"`);
  }
  return raw;
}

function basemapFileFromEnvironment(environment: NodeJS.ProcessEnv): string | null {
  const raw = environment.SILLAGE_BASEMAP_PMTILES;
  if (!raw) return null;
  const path = resolve(raw);
  if (!path.endsWith('.pmtiles') || !existsSync(path) || !statSync(path).isFile()) {
    throw new Error(`SILLAGE_BASEMAP_PMTILES must name an existing .pmtiles file, got "${raw}"`);
  }
  return path;
}

function integerFromEnvironment(name: string, fallback: number, environment: NodeJS.ProcessEnv): number {
  const raw = environment[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: environment.DATABASE_URL || null,
    databaseReadUrl: environment.DATABASE_READ_URL || null,
    replicaMaxLagSeconds: integerFromEnvironment('SILLAGE_REPLICA_MAX_LAG_SECONDS', 30, environment),
    dataDirectory: resolve(environment.SILLAGE_DATA_DIR || 'data/pglite'),
    host: environment.HOST || '127.0.0.1',
    port: integerFromEnvironment('PORT', 3000, environment),
    logLevel: environment.LOG_LEVEL || 'info',
    bodyLimitBytes: integerFromEnvironment('SILLAGE_BODY_LIMIT_BYTES', 1024 * 1024, environment),
    importBodyLimitBytes: integerFromEnvironment('SILLAGE_IMPORT_LIMIT_BYTES', 64 * 1024 * 1024, environment),
    loadDemo: environment.SILLAGE_DEMO ? environment.SILLAGE_DEMO === 'on' : !environment.DATABASE_URL,
    scenarioDirectory: resolve(environment.SILLAGE_SCENARIO_DIR || 'data/scenario'),
    secureCookies: environment.SILLAGE_SECURE_COOKIES !== 'off',
    signInRateLimitPerMinute: integerFromEnvironment('SILLAGE_SIGN_IN_RATE_LIMIT', 10, environment),
    signInFailuresPerUsername: integerFromEnvironment('SILLAGE_SIGN_IN_FAILURES_PER_USERNAME', 10, environment),
    reportRateLimitPerMinute: integerFromEnvironment('SILLAGE_REPORT_RATE_LIMIT', 10, environment),
    auditFlushMs: integerFromEnvironment('SILLAGE_AUDIT_FLUSH_MS', 1000, environment),
    secret: environment.SILLAGE_SECRET || null,
    basemapUrl: basemapFromEnvironment(environment),
    basemapFile: basemapFileFromEnvironment(environment),
    applicationRole: environment.SILLAGE_DB_ROLE === 'none' ? null : environment.SILLAGE_DB_ROLE || 'sillage_app',
    trustProxy: trustProxyFromEnvironment(environment),
    tileCacheBytes: integerFromEnvironment('SILLAGE_TILE_CACHE_MB', 128, environment) * 1024 * 1024,
  };
}
