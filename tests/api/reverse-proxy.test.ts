/**
 * Behind a reverse proxy (SILLAGE_TRUST_PROXY): links use the public scheme and host the proxy
 * forwards, and the per-address sign-in limit counts the client's address, not the proxy's.
 * Without the setting, forwarded headers are ignored (a client could forge them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { loadConfig } from '../../server/config.js';

const forwarded = (client: string) => ({ 'x-forwarded-for': client, 'x-forwarded-host': 'sillage.example.fr', 'x-forwarded-proto': 'https' });

describe('SILLAGE_TRUST_PROXY', () => {
  it('reads off, on, a number of hops or addresses, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ SILLAGE_TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    expect(loadConfig({ SILLAGE_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ SILLAGE_TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    expect(() => loadConfig({ SILLAGE_TRUST_PROXY: 'yes please' })).toThrow(/SILLAGE_TRUST_PROXY/);
  });
});

describe.each(targets())('behind a reverse proxy on the %s database', (target) => {
  let proxied: TestContext;
  let direct: TestContext;
  let analyst: TestSession;
  beforeAll(async () => {
    proxied = await openTestApp(target, { trustProxy: ['127.0.0.1'], signInRateLimitPerMinute: 2 });
    for (const id of ['P1', 'P2']) await send(proxied.app, 'POST', '/api/deal-points', dealPointBody({ external_id: id }));
    analyst = await signInAs(proxied, 'national_analyst');
  });
  afterAll(async () => { await closeTestApp(proxied); });

  it('writes self and next links, OGC links and the TileJSON tile URL at the forwarded public address', async () => {
    const list = await proxied.app.inject({ url: '/api/deal-points?limit=1', headers: { cookie: analyst.cookie, ...forwarded('203.0.113.7') } });
    const links = list.json().links as { rel: string; href: string }[];
    expect(links.map((l) => l.rel)).toEqual(['self', 'next']);
    expect(links[0].href).toBe('https://sillage.example.fr/api/deal-points?limit=1');
    expect(links[1].href).toMatch(/^https:\/\/sillage\.example\.fr\/api\/deal-points\?limit=1&after=\d+$/);
    const items = await proxied.app.inject({ url: '/ogc/collections/deal-points/items?limit=1', headers: { cookie: analyst.cookie, ...forwarded('203.0.113.7') } });
    const next = (items.json().links as { rel: string; href: string }[]).find((l) => l.rel === 'next')!;
    expect(next.href).toMatch(/^https:\/\/sillage\.example\.fr\/ogc\/collections\/deal-points\/items\?/);
    const tileJson = await proxied.app.inject({ url: '/tiles/communes.json', headers: forwarded('203.0.113.7') });
    expect(tileJson.json().tiles[0]).toBe('https://sillage.example.fr/tiles/communes/{z}/{x}/{y}.mvt');
    const observations = await proxied.app.inject({ url: '/api/observations', headers: { cookie: analyst.cookie, ...forwarded('203.0.113.7') } });
    expect(observations.json().links[0].href).toBe('https://sillage.example.fr/api/observations');
  });

  it('counts sign-in failures per client address, not per proxy', async () => {
    const fail = (client: string, username: string) => proxied.app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: forwarded(client), payload: { username, password: 'wrong password 123' } });
    expect((await fail('198.51.100.1', 'nobody.one')).statusCode).toBe(401);
    expect((await fail('198.51.100.1', 'nobody.two')).statusCode).toBe(401);
    expect((await fail('198.51.100.1', 'nobody.three')).statusCode).toBe(429);
    // Another client behind the same proxy is not held back by the first one's failures.
    expect((await fail('198.51.100.2', 'nobody.four')).statusCode).toBe(401);
  });

  describe('without the setting', () => {
    beforeAll(async () => { direct = await openTestApp(target, { signInRateLimitPerMinute: 2 }); });
    afterAll(async () => { await closeTestApp(direct); });

    it('ignores forwarded headers: links use the Host header, every client counts as the connection\'s address', async () => {
      const list = await direct.app.inject({ url: '/api/deal-points', headers: { host: 'internal:3000', ...forwarded('203.0.113.7'), cookie: (await signInAs(direct, 'national_analyst')).cookie } });
      expect(list.json().links[0].href).toBe('http://internal:3000/api/deal-points');
      const fail = (client: string, username: string) => direct.app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: forwarded(client), payload: { username, password: 'wrong password 123' } });
      await fail('198.51.100.1', 'nobody.one');
      await fail('198.51.100.1', 'nobody.two');
      expect((await fail('198.51.100.2', 'nobody.three')).statusCode).toBe(429);
    });
  });
});
