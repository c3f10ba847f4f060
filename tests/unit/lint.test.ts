/**
 * The linter (Biome, biome.json) passes on the whole tree, and its import rules do catch what they
 * are for: maplibre-gl outside web/map/, I/O or a service in server/domain/, a query in a route;
 * in web/, the React hook, accessibility, unused-code and index-key rules refuse too. Probes are linted in a scratch copy of the configuration, never written into the tree.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');

function lint(cwd: string, paths: string[], level: 'error' | 'warn' = 'error') {
  const flags = level === 'error' ? ['--diagnostic-level=error'] : ['--error-on-warnings'];
  const run = spawnSync(process.execPath, [biome, 'lint', ...flags, '--max-diagnostics=50', '--colors=off', ...paths], { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Lints probe files (path -> text) in a scratch folder holding a copy of biome.json. */
function lintProbes(probes: Record<string, string>) {
  const scratch = mkdtempSync(join(tmpdir(), 'sillage-lint-'));
  try {
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
    delete config.$schema;
    writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
    for (const [path, text] of Object.entries(probes)) {
      mkdirSync(join(scratch, dirname(path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    return lint(scratch, ['.']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('lint', () => {
  it('passes on the tree (errors only), and on web/ without a warning either', () => {
    const tree = lint(root, ['.']);
    expect(tree.status, tree.output.slice(0, 4000)).toBe(0);
    const web = lint(root, ['web'], 'warn');
    expect(web.status, web.output.slice(0, 4000)).toBe(0);
  }, 60_000);

  it('refuses maplibre-gl outside web/map/, pg or a service in the domain, a query in a route', () => {
    const { output } = lintProbes({
      'web/pages/probe.ts': "import maplibregl from 'maplibre-gl';\nexport const a = maplibregl;\n",
      'server/domain/probe-io.ts': "import pg from 'pg';\nexport const b = pg;\n",
      'server/domain/probe-up.ts': "import { c } from '../services/imports.js';\nexport const d = c;\n",
      'server/routes/probe.ts': "import { upsertDealPoints } from '../queries/imports.js';\nexport const e = upsertDealPoints;\n",
      'web/map/allowed.ts': "import maplibregl from 'maplibre-gl';\nexport const f = maplibregl;\n",
    });
    const refused = [...output.matchAll(/^(\S+?):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]).sort();
    expect(refused).toEqual(['server/domain/probe-io.ts', 'server/domain/probe-up.ts', 'server/routes/probe.ts', 'web/pages/probe.ts']);
  }, 60_000);

  it('refuses in web/ a hook missing a dependency, an index key, a click on a static element, an unused import', () => {
    const { status, output } = lintProbes({ 'web/pages/probe.tsx': [
      "import { useEffect, useRef, useState } from 'react';",
      'export function Probe({ query }: { query: string }) {',
      '  const [items, setItems] = useState<string[]>([]);',
      '  useEffect(() => { fetch(query).then(() => setItems([query])); }, []);',
      '  return <ul>{items.map((item, i) => <li key={i}><span onClick={() => setItems([])}>{item}</span></li>)}</ul>;',
      '}',
      '',
    ].join('\n') });
    expect(status).not.toBe(0);
    const refused = new Set([...output.matchAll(/^web\/pages\/probe\.tsx:\d+:\d+ (lint\/\S+)/gm)].map((m) => m[1]));
    for (const rule of ['lint/correctness/useExhaustiveDependencies', 'lint/suspicious/noArrayIndexKey', 'lint/a11y/noStaticElementInteractions', 'lint/correctness/noUnusedImports']) {
      expect(refused, output.slice(0, 4000)).toContain(rule);
    }
  }, 60_000);
});
