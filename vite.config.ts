/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { LongestFirstSequencer } from './tests/helpers/sequencer.js';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  // The DSFR stylesheet still carries old IE media hacks; LightningCSS drops them instead of failing.
  css: { lightningcss: { errorRecovery: true } },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/tiles': 'http://127.0.0.1:3000' } },
  test: {
    root: projectRoot,
    testTimeout: 60_000,
    // Longest files first across both projects, so that the unit files fill the workers' ends.
    sequence: { sequencer: LongestFirstSequencer },
    // Two files at a time on two cores; each database file has its worker's own pair of databases.
    maxWorkers: Number(process.env.SILLAGE_TEST_WORKERS || 2),
    projects: [
      {
        // Pure functions: no database, files in parallel, seconds.
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], pool: 'threads' },
      },
      {
        // API, e2e and smoke files: one embedded and one external database per worker (global setup).
        extends: true,
        test: {
          name: 'database', include: ['tests/api/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/smoke/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'], pool: 'forks', hookTimeout: 240_000,
        },
      },
    ],
  },
});
