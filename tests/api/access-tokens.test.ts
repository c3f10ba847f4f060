/**
 * Personal access tokens for GIS clients: created, listed, revoked by their owner; stored hashed;
 * read-only; accepted as Bearer and as the password of HTTP Basic; the owner's role rules apply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';

describe.each(targets())('access tokens on the %s database', (target) => {
  let context: TestContext;
  let cross84: TestSession;
  let deputy: TestSession;
  let pointId: number;

  beforeAll(async () => {
    context = await openTestApp(target);
    await context.database.pool.query('DELETE FROM access_tokens');
    cross84 = await signInAs(context, 'departmental_analyst', ['84']);
    deputy = await signInAs(context, 'deputy');
    pointId = (await send(context.app, 'POST', '/api/deal-points', dealPointBody())).body.id;
  });
  afterAll(async () => closeTestApp(context));

  const withToken = (url: string, authorization: string, method: 'GET' | 'POST' = 'GET') =>
    context.app.inject({ method, url, headers: { authorization }, ...(method === 'POST' ? { payload: {} } : {}) });
  const basic = (username: string, token: string) => `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`;

  it('creates a token shown once and stored only as its SHA-256; lists it without the secret; audits it', async () => {
    const created = await send(context.app, 'POST', '/api/auth/tokens', { name: 'QGIS poste 12', expires_in_days: 30 }, undefined, cross84);
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^sil_[A-Za-z0-9_-]{43}$/);
    expect(created.body.scope).toBe('read');
    const days = (Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);
    const { rows } = await context.database.pool.query('SELECT * FROM access_tokens WHERE id = $1', [created.body.id]);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(created.body.token).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(created.body.token);
    const list = await send(context.app, 'GET', '/api/auth/tokens', undefined, undefined, cross84);
    expect(list.body.items.map((t: { id: number }) => t.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    // Another user does not see it.
    const others = await send(context.app, 'GET', '/api/auth/tokens', undefined, undefined, deputy);
    expect(others.body.items.map((t: { id: number }) => t.id)).not.toContain(created.body.id);
    const audit = await context.database.pool.query(`SELECT action, area FROM audit_log WHERE route = '/api/auth/tokens' AND method = 'POST' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]).toEqual({ action: 'write', area: `access_token=${created.body.id}` });
  });

  it('accepts the token as Bearer and as HTTP Basic (owner username), with the owner role rules', async () => {
    const { token } = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'GDAL' }, undefined, cross84)).body;
    const bearer = await withToken(`/api/deal-points/${pointId}`, `Bearer ${token}`);
    expect(bearer.statusCode).toBe(200);
    const viaBasic = await withToken(`/api/deal-points/${pointId}`, basic(cross84.username, token));
    expect(viaBasic.statusCode).toBe(200);
    // Another username with the token: refused.
    expect((await withToken(`/api/deal-points/${pointId}`, basic('test.national_analyst', token))).statusCode).toBe(401);
    // Role rules: the CROSS of 84 may not read department 13's precise data.
    const outside = await withToken('/api/deal-points?department=13', `Bearer ${token}`);
    expect(outside.statusCode).toBe(403);
    // The use is audited, with the token.
    const { rows } = await context.database.pool.query(`SELECT username, area, record_count FROM audit_log WHERE route = '/api/deal-points/:id' AND status_code = 200 ORDER BY id DESC LIMIT 1`);
    expect(rows[0].username).toBe(cross84.username);
    expect(rows[0].area).toMatch(/via_token=\d+/);
    expect(rows[0].record_count).toBe(1);
  });

  it('a deputy token opens no precise data, like a deputy session', async () => {
    const { token } = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'QGIS' }, undefined, deputy)).body;
    expect((await withToken('/api/deal-points', `Bearer ${token}`)).statusCode).toBe(403);
    expect((await withToken('/tiles/deal-points/9/263/186.mvt', `Bearer ${token}`)).statusCode).toBe(403);
    expect((await withToken('/api/aggregates/deal-points?group=department', `Bearer ${token}`)).statusCode).toBe(200);
  });

  it('is read-only: no write, and no token made with a token', async () => {
    const { token } = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'lecture' }, undefined, cross84)).body;
    const before = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    const write = await context.app.inject({ method: 'POST', url: '/api/deal-points', headers: { authorization: `Bearer ${token}` }, payload: dealPointBody({ external_id: 'X-1' }) });
    expect(write.statusCode).toBe(403);
    expect(write.json().error).toBe('read_only_token');
    expect((await withToken('/api/auth/tokens', `Bearer ${token}`, 'POST')).statusCode).toBe(403);
    const after = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses malformed, unknown, revoked and expired tokens with 401 and a Basic challenge', async () => {
    const created = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'à révoquer' }, undefined, cross84)).body;
    expect((await withToken('/api/deal-points', `Bearer ${created.token}`)).statusCode).toBe(200);
    // Someone else cannot revoke it (404 as a missing one).
    expect((await send(context.app, 'DELETE', `/api/auth/tokens/${created.id}`, undefined, undefined, deputy)).status).toBe(404);
    const revoked = await send(context.app, 'DELETE', `/api/auth/tokens/${created.id}`, undefined, undefined, cross84);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const refused = await withToken('/api/deal-points', `Bearer ${created.token}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="Sillage"/);
    expect(refused.json().error).toBe('bad_token');
    for (const header of ['Bearer nope', 'Bearer sil_' + 'A'.repeat(43), 'Basic !!!', 'Digest abc', basic(cross84.username, 'mot-de-passe')]) {
      const response = await withToken('/api/deal-points', header);
      expect(response.statusCode, header).toBe(401);
    }
    const expiring = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'expire' }, undefined, cross84)).body;
    await context.database.pool.query(`UPDATE access_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    expect((await withToken('/api/deal-points', `Bearer ${expiring.token}`)).statusCode).toBe(401);
  });

  it('checks its input: name required, expiry 1-365 days; nothing stored from a rejected request', async () => {
    const count = async () => (await context.database.pool.query('SELECT count(*)::int AS n FROM access_tokens')).rows[0].n;
    const before = await count();
    for (const body of [{}, { name: '' }, { name: 'x', expires_in_days: 0 }, { name: 'x', expires_in_days: 366 }, { name: 'x', scope: 'write' }]) {
      const response = await send(context.app, 'POST', '/api/auth/tokens', body, undefined, cross84);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await count()).toBe(before);
  });

  it('a password reset revokes the account tokens', async () => {
    const user = await context.database.pool.query(`SELECT id FROM users WHERE username = $1`, [cross84.username]);
    const { token } = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'reset' }, undefined, cross84)).body;
    const { resetActivation } = await import('../../server/services/auth.js');
    await resetActivation(context.database.pool, Number(user.rows[0].id));
    await context.database.pool.query('UPDATE users SET approved_at = now(), password_hash = (SELECT password_hash FROM users WHERE username = $1) WHERE id = $2', ['test.national_analyst', user.rows[0].id]);
    expect((await withToken('/api/deal-points', `Bearer ${token}`)).statusCode).toBe(401);
  });
});
