import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { chromePath, ROOT, serveBuild } from '../e2e/browser.ts';
import { generatedQuestion } from './generate.ts';
import { addProbes, CONDITIONS } from './page-probes.ts';
import { seedInPage, type SeedPlan, type SeedSummary } from './seed.ts';

/**
 * A Chromium profile on disk. Playwright's ordinary contexts are off-the-record, and
 * Chromium keeps off-the-record IndexedDB in memory: no disk reads, no fsync for the
 * app's strict-durability grades. A persistent profile measures what a learner gets.
 * Arguments as in tests/e2e/browser.ts launchBrowser.
 */
export async function openProfile(dir: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromePath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    // The service worker's precaching would compete with the first measurements.
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    // The probes evaluate their conditions from source text; the app's CSP allows no eval.
    bypassCSP: true,
  });
  await addProbes(context);
  return context;
}

export async function chromiumVersion(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
  await cdp.detach();
  return product;
}

/** Retained JS heap of the page's main thread after a full GC (CDP). */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize;
}

export function buildDir(): string {
  return process.env.REHEARSE_DIST ?? join(ROOT, 'dist');
}

/** serveBuild (tests/e2e/browser.ts) on a chosen port: IndexedDB belongs to an origin, port included. */
async function serveBuildOn(port: number): Promise<{ url: string; server: PreviewServer }> {
  const server = await preview({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: buildDir() },
    preview: { port, host: '127.0.0.1', strictPort: true },
  });
  return { url: `http://127.0.0.1:${port}`, server };
}

/**
 * Opens the app once (so Dexie creates schema version 2 and syncs the bank), then writes
 * the generated collection with raw IndexedDB from a blank document of the same origin.
 */
export async function seedProfile(dir: string, url: string, plan: SeedPlan): Promise<{ context: BrowserContext; summary: SeedSummary }> {
  const context = await openProfile(dir);
  const page = await context.newPage();
  await page.goto(`${url}/robots.txt`);
  await page.evaluate(createSchemaVersion2);
  const summary = await page.evaluate(seedInPage, plan);
  await page.close();
  return { context, summary };
}

/**
 * Creates the database as schema version 2 shipped it (Dexie version n is IndexedDB
 * version 10n). Seeding writes raw rows, which the app's derived tables (schema 3) would
 * not see; seeding a version 2 database lets the app's own upgrade build them, as it
 * does for a learner updating from version 2.
 */
async function createSchemaVersion2(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.open('rehearse', 20);
    request.onupgradeneeded = () => {
      const db = request.result;
      const cards = db.createObjectStore('cards', { keyPath: 'id' });
      cards.createIndex('questionId', 'questionId');
      cards.createIndex('[bucket+due]', ['bucket', 'due']);
      cards.createIndex('state', 'state');
      const reviews = db.createObjectStore('reviews', { keyPath: 'id' });
      reviews.createIndex('cardId', 'cardId');
      reviews.createIndex('reviewedAt', 'reviewedAt');
      db.createObjectStore('settings', { keyPath: 'key' });
      db.createObjectStore('notes', { keyPath: 'questionId' }).createIndex('updatedAt', 'updatedAt');
      db.createObjectStore('flags', { keyPath: 'questionId' });
      db.createObjectStore('customQuestions', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

export interface FirstOpen {
  /** Until Today was ready (a schema upgrade shows here). */
  todayMs: number;
  /** Until the app had also built its progress tables in the background (after the version 3 upgrade). */
  builtMs: number;
}

/** True once the app's database holds no build cursor (key -2, derived-tables.ts BUILD_CURSOR). */
async function derivedTablesBuilt(): Promise<boolean> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const tx = db.transaction(['cardDigest', 'reviewTallies']);
    const count = (store: string) =>
      new Promise<number>((resolve, reject) => {
        const request = tx.objectStore(store).count(-2);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    return (await count('cardDigest')) + (await count('reviewTallies')) === 0;
  } finally {
    db.close();
  }
}

/** Opens the app until Today is ready, and keeps it open until its background build ends. */
async function openAppOnce(context: BrowserContext, url: string): Promise<FirstOpen> {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction((source) => (0, eval)(`(${source})`)(), CONDITIONS.todayReady, { timeout: 600_000 });
  const todayMs = Date.now() - started;
  await page.waitForFunction(derivedTablesBuilt, undefined, { timeout: 1_200_000, polling: 500 });
  const builtMs = Date.now() - started;
  await page.close();
  return { todayMs, builtMs };
}

interface CacheMeta {
  port: number;
  now: number;
  summary: SeedSummary;
}

/** Names a seeded collection: the plan and the code that generates it. */
export function seedKey(plan: object): string {
  return createHash('sha256')
    .update(JSON.stringify({ plan, seed: seedInPage.toString(), generate: generatedQuestion.toString() }))
    .digest('hex')
    .slice(0, 16);
}

/** Seeded collections are reused for this long; after that "due today" has drifted too far. */
const CACHE_HOURS = 12;

/**
 * The big collection: seeding a million reviews takes Chromium minutes (its IndexedDB
 * backend manages ~3–6k indexed puts a second here), so the seeded profile is kept in the
 * temp folder, keyed by the seeding code and the plan, and copied for each run (a run's
 * grades and exports never reach the template). It is served on the port it was seeded on.
 * The app is opened once, unmeasured, before the run: a build with another bank or schema
 * syncs or upgrades the copied data there, not in the first measured start.
 * REHEARSE_BENCH_FRESH=1 reseeds.
 */
export async function bigCollection(plan: Omit<SeedPlan, 'now' | 'lastReviewAt' | 'questionSource'>): Promise<{
  context: BrowserContext;
  url: string;
  server: PreviewServer;
  summary: SeedSummary;
  seededAt: number;
  reused: boolean;
  runDir: string;
  /** The first open of the app on this collection (includes any schema upgrade and bank sync). */
  firstOpen: FirstOpen;
}> {
  const key = seedKey(plan);
  const cacheDir = join(tmpdir(), 'rehearse-bench-cache', key);
  const template = join(cacheDir, 'profile');
  const metaFile = join(cacheDir, 'meta.json');
  const runDir = mkdtempSync(join(tmpdir(), 'rehearse-bench-run-'));

  let meta: CacheMeta | null = null;
  if (!process.env.REHEARSE_BENCH_FRESH && existsSync(metaFile)) {
    const stored = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    if (Date.now() - stored.now < CACHE_HOURS * 3_600_000) meta = stored;
  }
  if (meta) {
    const served = await serveBuildOn(meta.port).catch(() => null);
    if (served) {
      cpSync(template, runDir, { recursive: true });
      const context = await openProfile(runDir);
      const firstOpen = await openAppOnce(context, served.url);
      return { context, ...served, summary: meta.summary, seededAt: meta.now, reused: true, runDir, firstOpen };
    }
  }

  // Seed into the template, then run on a copy, like a reuse would.
  const { server, url } = await serveBuild();
  const port = Number(new URL(url).port);
  const now = Date.now();
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(template, { recursive: true });
  const seeded = await seedProfile(template, url, {
    ...plan,
    questionSource: generatedQuestion.toString(),
    now,
    lastReviewAt: now - 26 * 3_600_000,
  });
  // The app's first open upgrades the seeded version 2 database and syncs the bank; the
  // template keeps the result, so later runs start from the current schema.
  const firstOpen = await openAppOnce(seeded.context, url);
  await seeded.context.close();
  writeFileSync(metaFile, JSON.stringify({ port, now, summary: seeded.summary } satisfies CacheMeta));
  cpSync(template, runDir, { recursive: true });
  const context = await openProfile(runDir);
  await openAppOnce(context, url);
  return { context, url, server, summary: seeded.summary, seededAt: now, reused: false, runDir, firstOpen };
}
