/** Schemas of the accounts: administration, approval, personal access tokens (bodies and closed answers). */
import { Type } from 'typebox';
import { Closed, DepartmentCode, OrNull, StringEnum, Timestamp } from './common.js';
import { defaultTokenDays, maxTokenDays, roles } from '../domain/access.js';

export const Account = Closed({
  id: Type.Integer(), username: Type.String(), role: Type.String(), departments: Type.Array(Type.String()), active: Type.Boolean(), created_at: Timestamp,
  awaiting_activation: Type.Boolean({ description: 'Created or reset, its user has not set a password yet' }), activation_expires_at: OrNull(Timestamp), activated_at: OrNull(Timestamp),
  awaiting_approval: Type.Boolean({ description: 'An analyst has not approved it yet (second person)' }),
});
export const Activation = Closed({ id: Type.Integer(), activation_code: Type.String({ description: 'One-time code to hand to the user (shown once)' }), activation_expires_at: Timestamp });
export const Invited = Closed({ ...Activation.properties, username: Type.String(), role: Type.String(), departments: Type.Array(Type.String()) });
export const PendingAccount = Closed({
  id: Type.Integer(), username: Type.String(), role: Type.String(), departments: Type.Array(Type.String()), created_at: Timestamp, activated_at: OrNull(Timestamp),
  created_by: OrNull(Type.String({ description: 'The admin who created or reset it' })),
});

export const AccountList = Closed({ items: Type.Array(Account) });
export const InviteBody = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 64 }),
  role: StringEnum(roles), departments: Type.Optional(Type.Array(DepartmentCode, { maxItems: 20, uniqueItems: true })),
}, { additionalProperties: false });
export const ActiveBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
export const ActiveAccount = Closed({ id: Type.Integer(), active: Type.Boolean() });
export const PendingList = Closed({ items: Type.Array(PendingAccount) });
export const ApprovedAccount = Closed({ id: Type.Integer(), approved: Type.Literal(true) });

// Personal access tokens (GIS clients).
export const AccessToken = Closed({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'First 8 characters of the token, to recognise it' }),
  scope: Type.Literal('read', { description: 'Tokens only read (GET): they cannot write, moderate or make tokens' }),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
}, { additionalProperties: false });
export const CreatedToken = Type.Object({ ...AccessToken.properties, token: Type.String({ description: 'The secret, shown this once only: Authorization: Bearer <token>, or the password of HTTP Basic with your username' }) }, { additionalProperties: false });

export const TokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: 'What it is for, e.g. "QGIS poste 12"' }),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: maxTokenDays, default: defaultTokenDays })),
}, { additionalProperties: false });
export const TokenList = Closed({ items: Type.Array(AccessToken) });

// Signing in.
export const Me = Closed({
  user: Type.Union([Closed({ username: Type.String(), role: Type.String(), departments: Type.Array(Type.String()) }), Type.Null()]),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
});
export const SignInBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const ActivateBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }), activation_code: Type.String({ minLength: 10, maxLength: 40 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });
