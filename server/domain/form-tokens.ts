/**
 * Spam resistance for the public form without a third-party service: the page fetches a token
 * signed by the server (HMAC-SHA256); a report must carry one that is at least `minimumAgeSeconds`
 * old (bots post at once), at most `maximumAgeSeconds` old, and used once (services/shared-limits.ts
 * remembers used tokens in PostgreSQL, for every server process).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const minimumAgeSeconds = 3;
export const maximumAgeSeconds = 2 * 3600;

export function issueFormToken(secret: string, nowMs: number): string {
  const body = `${nowMs.toString(36)}.${randomBytes(9).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export type FormTokenCheck = { ok: true } | { ok: false; reason: string };

export function checkFormToken(token: string, secret: string, nowMs: number): FormTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'is not a form token' };
  const [issued, nonce, signature] = parts;
  const expected = createHmac('sha256', secret).update(`${issued}.${nonce}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'has a wrong signature: reload the page' };
  const ageSeconds = (nowMs - parseInt(issued, 36)) / 1000;
  if (!(ageSeconds >= minimumAgeSeconds)) return { ok: false, reason: `was sent too fast: wait ${minimumAgeSeconds} s after the page loads` };
  if (ageSeconds > maximumAgeSeconds) return { ok: false, reason: 'has expired: reload the page' };
  return { ok: true };
}

const receiptAlphabet = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A receipt number such as SIG-7K2M9QX4RT (no I or O, to read it aloud without confusion). */
export function newReceipt(): string {
  const bytes = randomBytes(10);
  return `SIG-${[...bytes].map((b) => receiptAlphabet[b % receiptAlphabet.length]).join('')}`;
}
