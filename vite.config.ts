/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

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
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // API and e2e files share one embedded and one external database: run files one at a time.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
