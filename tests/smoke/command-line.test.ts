/**
 * Every script answers --help with its usage (exit 0) and a bad option with the usage (exit 2),
 * never a stack trace; none of them touches a database to do so.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (script: string, args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
  encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SILLAGE_DATA_DIR: '/nonexistent/sillage' },
});

describe('the scripts answer --help', () => {
  for (const script of ['start', 'migrate', 'import', 'scenario', 'create-user', 'bench']) {
    it(`${script} --help prints its usage; a bad option is refused with it`, () => {
      const help = run(script, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^usage: npm (start|run [a-z-]+)/);
      expect(help.stdout.split('\n').length).toBeGreaterThan(2); // says what it does, not only the synopsis
      const bad = run(script, ['--no-such-option']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/usage: npm/);
      expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});
