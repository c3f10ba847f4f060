import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, ensureUser, openTestApp, signInAs, targets, testPassword, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { createUser } from '../../server/services/auth.js';

describe.each(targets())('sessions and the audit trail on the %s database', (target) => {
  let context: TestContext;
  let admin: TestSession;
  beforeAll(async () => {
    context = await openTestApp(target, { signInRateLimitPerMinute: 5 });
    admin = await signInAs(context, 'admin');
  });
  afterAll(async () => closeTestApp(context));

  const lastAudit = async () => (await context.database.pool.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1')).rows[0];

  it('signs in with an HTTP-only, SameSite=Strict, Secure cookie and refuses wrong passwords', async () => {
    const username = await ensureUser(context.database.pool, 'national_analyst');
    const ok = await context.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: testPassword } });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'sillage_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
    expect(ok.json().csrf_token.length).toBeGreaterThan(20);
    expect((await lastAudit())).toMatchObject({ action: 'sign_in', username, role: 'national_analyst' });
    const bad = await send(context.app, 'POST', '/api/auth/sign-in', { username, password: 'wrong password here' }, undefined, null);
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('unknown username or wrong password');
    expect((await lastAudit())).toMatchObject({ action: 'sign_in_failed', username, user_id: null });
    const stored = await context.database.pool.query('SELECT password_hash FROM users WHERE username = $1', [username]);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  const signInFrom = (address: string, username: string, password: string, cookie?: string) => context.app.inject({
    method: 'POST', url: '/api/auth/sign-in', payload: { username, password }, remoteAddress: address, headers: cookie ? { cookie } : {},
  });

  it('limits guesses per username across addresses, without locking the real user out of a browser it used', async () => {
    // A user of its own: the failures it collects stay in the journal for 15 minutes.
    const username = `lockout.${Date.now()}`;
    await createUser(context.database.pool, { username, password: testPassword, role: 'deputy' });
    // The user has signed in from this browser before: it holds a trusted-device cookie.
    const first = await signInFrom('203.0.113.1', username, testPassword);
    const device = first.cookies.find((c) => c.name === 'sillage_device')!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });
    // An attacker guesses from five addresses (10 failures with the default limit of 10 per 15 min).
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signInFrom(`198.51.100.${i % 5}`, username, `guess-${i}`)).statusCode);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right password waits on a new browser, so the guesser learns nothing...
    const fresh = await signInFrom('198.51.100.9', username, testPassword);
    expect(fresh.statusCode).toBe(429);
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThan(0);
    // ...but the real user, from the browser it used before, signs in at once.
    expect((await signInFrom('198.51.100.1', username, testPassword, `sillage_device=${device.value}`)).statusCode).toBe(200);
  });

  it('limits spraying of many usernames from one address (5 here), not the other addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signInFrom('192.0.2.50', `nobody.${i}`, 'guess')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await signInFrom('192.0.2.51', 'nobody.9', 'guess')).statusCode).toBe(401);
  });

  it('needs the CSRF token on writes', async () => {
    const session = await signInAs(context, 'national_analyst');
    const withoutToken = await send(context.app, 'POST', '/api/networks', { name: 'x' }, undefined, { ...session, csrf: 'wrong' });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.error).toBe('csrf');
    expect((await send(context.app, 'POST', '/api/networks', { name: 'x' }, undefined, session)).status).toBe(201);
  });

  it('expires sessions (absolute and idle) and ends them on sign-out and deactivation', async () => {
    const session = await signInAs(context, 'prefect', ['84']);
    expect((await send(context.app, 'GET', '/api/networks', undefined, undefined, session)).status).toBe(200);
    await context.database.pool.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = (SELECT id FROM users WHERE username = $1)`, [session.username]);
    expect((await send(context.app, 'GET', '/api/networks', undefined, undefined, session)).status).toBe(401);
    const second = await signInAs(context, 'prefect', ['84']);
    await context.database.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '9 hours' WHERE user_id = (SELECT id FROM users WHERE username = $1)`, [second.username]);
    expect((await send(context.app, 'GET', '/api/networks', undefined, undefined, second)).status).toBe(401);
    const third = await signInAs(context, 'prefect', ['84']);
    expect((await send(context.app, 'POST', '/api/auth/sign-out', undefined, undefined, third)).status).toBe(204);
    expect((await send(context.app, 'GET', '/api/networks', undefined, undefined, third)).status).toBe(401);
    const created = await send(context.app, 'POST', '/api/admin/users', { username: 'temporaire', role: 'deputy' }, undefined, admin);
    const temporary = created.status === 201 ? created.body.id : (await context.database.pool.query(`SELECT id FROM users WHERE username = 'temporaire'`)).rows[0].id;
    const code = created.status === 201 ? created.body.activation_code : (await send(context.app, 'POST', `/api/admin/users/${temporary}/activation`, undefined, undefined, admin)).body.activation_code;
    await send(context.app, 'PATCH', `/api/admin/users/${temporary}`, { active: true }, undefined, admin);
    expect((await send(context.app, 'POST', '/api/auth/activate', { username: 'temporaire', activation_code: code, password: 'un mot de passe long' }, undefined, null)).status).toBe(204);
    // A second person (the default session: a national analyst) approves it.
    expect((await send(context.app, 'POST', `/api/accounts/${temporary}/approve`)).status).toBe(200);
    const signedIn = await send(context.app, 'POST', '/api/auth/sign-in', { username: 'temporaire', password: 'un mot de passe long' }, undefined, null);
    expect(signedIn.status).toBe(200);
    await send(context.app, 'PATCH', `/api/admin/users/${temporary}`, { active: false }, undefined, admin);
    expect((await context.database.pool.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [temporary])).rows[0].n).toBe(0);
  });

  it('records every read of precise data, every write and export, with area, period and count', async () => {
    const analyst = await signInAs(context, 'departmental_analyst', ['84']);
    const before = (await context.database.pool.query('SELECT max(id) AS id FROM audit_log')).rows[0].id;
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'AUDIT-1' }), undefined, analyst);
    expect(created.status).toBe(201);
    await send(context.app, 'GET', '/api/deal-points?department=84&at=2024-06-01', undefined, undefined, analyst);
    await context.app.inject({ url: '/tiles/deal-points/9/263/186.mvt?at=2024-06-01', headers: { cookie: analyst.cookie } });
    await send(context.app, 'GET', '/api/statistics/national?year=2024', undefined, undefined, analyst); // public data: not audited
    await context.app.tileAudit.flush(); // tile reads are journalled in batches
    const { rows } = await context.database.pool.query('SELECT username, role, action, method, route, status_code, area, time_window, record_count FROM audit_log WHERE id > $1 ORDER BY id', [before]);
    expect(rows).toEqual([
      { username: analyst.username, role: 'departmental_analyst', action: 'write', method: 'POST', route: '/api/deal-points', status_code: 201, area: null, time_window: null, record_count: 1 },
      { username: analyst.username, role: 'departmental_analyst', action: 'read_precise', method: 'GET', route: '/api/deal-points', status_code: 200, area: 'department=84', time_window: 'at=2024-06-01', record_count: 1 },
      { username: analyst.username, role: 'departmental_analyst', action: 'read_precise', method: 'GET', route: '/tiles/deal-points/:z/:x/:y.mvt', status_code: 200, area: 'z=9&x=263&y=186', time_window: 'at=2024-06-01', record_count: 1 },
    ]);
  });

  it('keeps the trail append-only in the database itself', async () => {
    const pool = context.database.pool;
    expect((await pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBeGreaterThan(0);
    for (const [sql, params] of [['UPDATE audit_log SET username = $1', ['x']], ['DELETE FROM audit_log WHERE id > $1', [0]], ['TRUNCATE audit_log', []]] as const) {
      const error = await pool.query(sql, [...params]).then(() => null, (e: { code: string; message: string }) => e);
      expect(error?.message, sql).toMatch(/append-only/);
    }
  });

  it('lets the admin list, filter and export the trail as CSV (and audits that)', async () => {
    const listed = await send(context.app, 'GET', '/api/admin/audit?action=sign_in_failed&limit=5', undefined, undefined, admin);
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBeGreaterThan(0);
    expect(listed.body.items.every((r: { action: string }) => r.action === 'sign_in_failed')).toBe(true);
    const csv = await context.app.inject({ url: '/api/admin/audit?format=csv&limit=50', headers: { cookie: admin.cookie } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.startsWith('\ufeff')).toBe(true); // for spreadsheets to read UTF-8
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\n');
    expect(lines[0]).toBe('id;occurred_at;username;role;action;method;route;status_code;area;time_window;record_count;session_ref');
    const total = (await context.database.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    expect(lines.length - 1).toBe(Math.min(50, total - 1)); // the export's own audit row comes after it
    expect((await lastAudit())).toMatchObject({ action: 'admin', route: '/api/admin/audit', username: admin.username });
  });
});
