/** Accept-Encoding as the cube's cached answers read it (server/routes/cached-answer.ts). */
import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../server/routes/cached-answer.js';

describe('acceptsGzip', () => {
  it('accepts gzip named with a non-zero weight, or * when gzip is not named', () => {
    for (const header of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', 'GZIP', '*', 'deflate, *;q=0.1', 'x-gzip']) expect(acceptsGzip(header), header).toBe(true);
  });
  it('refuses no header, other codings only, gzip with weight 0 (even beside *) and *;q=0', () => {
    for (const header of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', 'gzip;q=0, *', '*;q=0', 'gzip; q=0.000']) expect(acceptsGzip(header), String(header)).toBe(false);
  });
});
