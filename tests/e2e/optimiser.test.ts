import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { forbidOtherOrigins, reloadOffline, useServedBuild, waitForServiceWorker } from './browser.ts';
import type { Backup } from '../../src/core/backup/backup-format.ts';
import { serializeBackup } from '../../src/core/backup/write-backup.ts';
import { DEFAULT_PARAMETERS, retrievability } from '../../src/core/scheduling/fsrs.ts';
import { bankIds, studiedBackup } from './history.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';

const served = useServedBuild();
const DAY = 86_400_000;
const NOW = Date.now();

/**
 * A collection reviewed for four months by a learner who forgets faster than the default
 * parameters predict (recall is R³ of what FSRS expects), graded by the real scheduler so
 * every card equals the replay of its log.
 */
function fastForgetterBackup(): Backup {
  return studiedBackup({
    questionIds: bankIds(['python', 'ml', 'llm']),
    days: 120,
    now: NOW,
    spreadDays: 20,
    seed: 42,
    recalls: (memory, at, random) => random() < retrievability(memory, at) ** 3,
  });
}

async function importBackup(page: Page, backup: Backup): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Import backup').setInputFiles({ name: 'history.json', mimeType: 'application/json', buffer: Buffer.from(serializeBackup(backup).join('')) });
  await page.getByRole('button', { name: 'Replace…' }).click();
  await page.getByRole('button', { name: 'Replace everything' }).click();
  await page.getByText(/^This device now holds the backup/).waitFor();
}

describe('personal parameters in Chromium', () => {
  it('fits FSRS to the learner\'s log offline, in a worker, while the page stays responsive, keeps the result across a reload, and Cancel leaves everything unchanged', async () => {
    const context = await served.browser().newContext({ viewport: { width: 375, height: 812 } });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    // The service worker has precached the app, the optimiser's worker and its WebAssembly
    // (never loaded yet): from here on there is no network.
    await waitForServiceWorker(page);
    const precachedWasm = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
      return urls.filter((url) => /\.wasm(\?|$)/.test(url));
    });
    expect(precachedWasm).toHaveLength(1);
    await reloadOffline(context, page);
    await page.getByText(/Offline — your reviews are saved/).waitFor();
    const backup = fastForgetterBackup();
    expect(backup.reviews.length).toBeGreaterThan(500);
    await importBackup(page, backup);

    const section = page.getByRole('region', { name: 'Personal parameters' });
    await section.getByText(/Scheduling with the default FSRS-6 parameters/).waitFor();
    await section.getByRole('button', { name: 'Optimise parameters' }).click();
    await section.getByRole('progressbar', { name: 'Optimising' }).waitFor();
    // The fit runs off the main thread, in the optimiser's own worker (a timed frame check would
    // fail on a busy machine for reasons of its own).
    expect(page.workers().some((w) => /optimiser-worker/.test(w.url()))).toBe(true);
    const outcome = section.getByRole('status').filter({ hasText: /New parameters applied|already the best fit/ });
    await outcome.waitFor({ timeout: 240_000 });
    // Faster forgetting than the defaults assume: the new weights must win and be described in words.
    expect(await outcome.textContent()).toMatch(/New parameters applied from the next card\. Log loss \d\.\d{4} → \d\.\d{4}/);
    expect(await outcome.textContent()).toMatch(/shorter than the average learner/);

    await reloadOffline(context, page);
    await page.getByText(/Offline — your reviews are saved/).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await section.getByText(/Scheduling with parameters fitted to your own reviews on/).waitFor();
    const stored = await page.evaluate(
      () => new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('rehearse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('settings').objectStore('settings').get('settings');
          request.onsuccess = () => resolve((request.result as { value: { fsrsParameters: unknown } }).value.fsrsParameters);
        };
      }),
    );
    expect(stored).toHaveLength(21);

    // Cancel: the worker stops, nothing changes.
    await section.getByRole('button', { name: 'Optimise parameters' }).click();
    await section.getByRole('button', { name: 'Cancel' }).click();
    await section.getByText('Optimisation cancelled: your parameters are unchanged.').waitFor();
    await section.getByText(/Scheduling with parameters fitted to your own reviews on/).waitFor();

    // The next grade is scheduled with the personal weights: its review row records them.
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('link', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('button', { name: /^Good · / }).click();
    // Polled from here: waitForFunction would take the async check's promise for a yes at once.
    const personalGrade = () =>
      page.evaluate(async () => {
        const rows = await new Promise<{ config: string }[]>((resolve, reject) => {
          const open = indexedDB.open('rehearse');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('reviews').objectStore('reviews').getAll();
            request.onsuccess = () => (open.result.close(), resolve(request.result as { config: string }[]));
          };
        });
        return rows.some((row) => row.config.split('|').length === 6);
      });
    await expect.poll(personalGrade, { timeout: 45_000 }).toBe(true);

    // Back to the defaults in one step.
    await page.getByRole('link', { name: 'Settings' }).click();
    await section.getByRole('button', { name: 'Reset to default parameters' }).click();
    await section.getByText(/Scheduling with the default FSRS-6 parameters/).waitFor();
    expect(offenders).toEqual([]);
    await context.close();
  }, 420_000);

  it('says so and changes nothing when there is no usable review, or when the WebAssembly cannot be loaded', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block', viewport: { width: 375, height: 812 } });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    // The optimiser's WebAssembly is missing from the server (a broken deploy, a proxy that refuses .wasm).
    await context.route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
    const page = await context.newPage();
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Personal parameters' });

    // An empty log: nothing to learn from, said plainly before any WebAssembly is fetched.
    await section.getByRole('button', { name: 'Optimise parameters' }).click();
    await section.getByRole('status').filter({ hasText: /^None of your reviews can be used yet/ }).waitFor();

    // A learner with personal parameters already: a failed load must leave them in place.
    const mine = [...DEFAULT_PARAMETERS];
    mine[2] = 1.7;
    const backup = { ...fastForgetterBackup(), settings: { ...DEFAULT_SETTINGS, fsrsParameters: mine } };
    await importBackup(page, backup);
    await section.getByText(/Scheduling with parameters fitted to your own reviews/).waitFor();
    await section.getByRole('button', { name: 'Optimise parameters' }).click();
    const alert = section.getByRole('alert');
    await alert.filter({ hasText: /^Optimisation failed: the optimiser could not be loaded \(.+\)\. Your parameters are unchanged\.$/ }).waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Optimise parameters' }).waitFor();
    await section.getByText(/Scheduling with parameters fitted to your own reviews/).waitFor();
    const stored = await page.evaluate(
      () => new Promise<{ fsrsParameters: number[] | null; lastFit: unknown }>((resolve, reject) => {
        const open = indexedDB.open('rehearse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('settings').objectStore('settings').get('settings');
          request.onsuccess = () => resolve((request.result as { value: { fsrsParameters: number[] | null; lastFit: unknown } }).value);
        };
      }),
    );
    expect(stored.fsrsParameters).toEqual(mine);
    expect(stored.lastFit).toBeNull();
    expect(offenders).toEqual([]);
    await context.close();
  }, 300_000);
});
