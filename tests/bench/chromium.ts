import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromePath } from '../e2e/browser.ts';
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

const MARKER = 'bench-seeded.json';

/**
 * A profile holding the app's database with `plan` seeded into it: the app opens it first
 * (so Dexie creates schema version 2 and syncs the bank), then raw IndexedDB writes the
 * generated collection from a blank document of the same origin.
 * REHEARSE_BENCH_PROFILE=<dir> keeps a seeded profile between runs (for working on the bench).
 */
export async function seededProfile(
  url: string,
  plan: SeedPlan,
  keepIn?: string,
): Promise<{ context: BrowserContext; dir: string; summary: SeedSummary; reused: boolean }> {
  const dir = keepIn ?? mkdtempSync(join(tmpdir(), 'rehearse-bench-'));
  const marker = join(dir, MARKER);
  if (keepIn && existsSync(marker)) {
    const context = await openProfile(dir);
    return { context, dir, summary: JSON.parse(readFileSync(marker, 'utf8')) as SeedSummary, reused: true };
  }
  const context = await openProfile(dir);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction((source) => (0, eval)(`(${source})`)(), CONDITIONS.todayReady, { timeout: 120_000 });
  await page.goto(`${url}/robots.txt`);
  const summary = await page.evaluate(seedInPage, plan);
  await page.close();
  if (keepIn) writeFileSync(marker, JSON.stringify(summary));
  return { context, dir, summary, reused: false };
}
