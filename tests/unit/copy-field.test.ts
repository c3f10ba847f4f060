/** COPY's text format decoded (server/database/copy-rows.ts): NULL, backslash sequences, plain text as is. */
import { describe, expect, it } from 'vitest';
import { copyField } from '../../server/database/copy-rows.js';

describe('copyField', () => {
  it('reads \\N as NULL and leaves plain text alone', () => {
    expect(copyField('\\N')).toBeNull();
    expect(copyField('')).toBe('');
    expect(copyField('2024-01-05,2024-03-01')).toBe('2024-01-05,2024-03-01');
    expect(copyField('N')).toBe('N');
  });
  it('decodes the backslash sequences PostgreSQL writes', () => {
    expect(copyField('a\\tb\\nc\\\\d')).toBe('a\tb\nc\\d');
    expect(copyField('\\r\\b\\f\\v')).toBe('\r\b\f\v');
    expect(copyField('\\101\\x42')).toBe('AB');
    expect(copyField('\\\\N')).toBe('\\N');
  });
});
