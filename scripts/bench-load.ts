/** Measuring helpers of the scale benchmark: latency under concurrent load, medians, a screen of tiles, a process's memory, and how figures print. */
import { readFileSync } from 'node:fs';

export interface Load { p50: number; p95: number; perSecond: number; requests: number; errors: number }

export function summarise(latencies: number[], errors: number, seconds: number): Load {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN;
  return { p50: at(0.5), p95: at(0.95), perSecond: latencies.length / seconds, requests: latencies.length, errors };
}

/** `connections` loops running `work` (given a running index) for `seconds`; at least one round. */
export async function underLoad(connections: number, seconds: number, work: (i: number) => Promise<void>): Promise<Load> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    do {
      const i = counter++;
      const t = performance.now();
      try { await work(i); latencies.push(performance.now() - t); } catch { errors += 1; }
    } while (performance.now() < deadline);
  }));
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

export async function median(times: number, work: () => Promise<unknown>): Promise<number> {
  const results: number[] = [];
  for (let i = 0; i < times; i += 1) { const t = performance.now(); await work(); results.push(performance.now() - t); }
  return results.sort((a, b) => a - b)[Math.floor(times / 2)];
}

/** The tiles around a place at zoom z: a 3x3 block (what one screen of a map asks for, about). */
export function tilesAround(longitude: number, latitude: number, z: number): { z: number; x: number; y: number }[] {
  const size = 2 ** z;
  const x = Math.floor(((longitude + 180) / 360) * size);
  const sin = Math.sin((latitude * Math.PI) / 180);
  const y = Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size);
  const tiles = [];
  for (let dx = -1; dx <= 1; dx += 1) for (let dy = -1; dy <= 1; dy += 1) tiles.push({ z, x: x + dx, y: y + dy });
  return tiles;
}

export function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const fmt = (ms: number) => Number.isNaN(ms) ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
export const ratio = (ours: number, raw: number) => { const r = ours / raw; return Number.isFinite(r) ? `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x` : '—'; };
