/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { questionBankPlugin } from './src/build/bank-plugin.ts';
import { contentSecurityPolicy, cspMetaPlugin } from './src/build/csp.ts';

// Tests run in a zone with daylight saving so day-boundary tests mean the same on every machine.
if (process.env.VITEST) process.env.TZ = 'America/New_York';

/**
 * A sync server on another origin must be named when the app is built (comma-separated exact
 * origins): the Content-Security-Policy allows exactly those, and Settings refuses others with
 * a message. A CouchDB served under the app's own origin (a reverse proxy path) needs nothing.
 */
const syncOrigins = (process.env.REHEARSE_SYNC_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
const policy = contentSecurityPolicy({ connectOrigins: syncOrigins });

const dataDir = fileURLToPath(new URL('./data', import.meta.url));

export default defineConfig({
  define: { __SYNC_ORIGINS__: JSON.stringify(syncOrigins) },
  plugins: [
    react(),
    questionBankPlugin(dataDir),
    cspMetaPlugin(policy),
    VitePWA({
      // 'prompt': a new version waits for the learner (or the end of a review session).
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'robots.txt', 'apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'Rehearse — interview drills',
        short_name: 'Rehearse',
        description:
          'Drill Python, machine learning and LLM interview questions with spaced repetition. Works offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#14161c',
        background_color: '#14161c',
        categories: ['education', 'productivity'],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The optimiser's WebAssembly is precached too, so a fit works offline (it loads only when used).
        globPatterns: ['**/*.{js,css,html,svg,woff2,wasm}'],
        // Sync (PouchDB, ~130 kB) is only for learners who turn it on: kept out of the precache
        // budget and cached on first use instead, so it still starts offline afterwards.
        globIgnores: ['**/sync-client-*.js'],
        runtimeCaching: [{ urlPattern: /\/assets\/sync-client-[^/]+\.js$/, handler: 'CacheFirst', options: { cacheName: 'rehearse-sync' } }],
        navigateFallback: '/index.html',
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  // Module workers: the optimiser worker pulls in fsrs-browser, whose glue code splits chunks.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': policy } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/{core,db,features,ui,app,build,sync}/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['tests/setup.ts'],
          testTimeout: 90_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'bench',
          include: ['tests/bench/**/*.bench-run.ts'],
          environment: 'node',
          // One bench at a time: two in parallel would measure each other.
          fileParallelism: false,
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          // Long crash runs (npm run faults:kill); too slow for CI, which runs a bounded few in e2e.
          name: 'faults',
          include: ['tests/faults/**/*.run.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 7_200_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
