import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { copyBuild, launchBrowser, readReviewLog, serveSwappable, waitForServiceWorker } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Build B: build A with a marker in its page and a new revision for it in the service worker. */
function makeBuildB(): string {
  const dir = copyBuild();
  const html = readFileSync(join(dir, 'index.html'), 'utf8').replace('<head>', '<head><meta name="rehearse-build" content="B">');
  writeFileSync(join(dir, 'index.html'), html);
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8').replace(/(url:"index\.html",revision:")[^"]+/, '$1build-b');
  if (!sw.includes('build-b')) throw new Error('could not find index.html in the precache manifest');
  writeFileSync(join(dir, 'sw.js'), sw);
  return dir;
}

describe('a new version while reviewing', () => {
  it('offers the update without disturbing the review, and reloads into it when accepted', async () => {
    const buildA = copyBuild();
    const buildB = makeBuildB();
    let current = buildA;
    const server = await serveSwappable(() => current);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await waitForServiceWorker(page);
    await page.getByRole('link', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    const prompt = await page.getByRole('heading', { level: 1 }).textContent();

    current = buildB;
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByText(/Update available/).waitFor({ timeout: 30_000 });
    await page.getByText('It will apply when you finish this session.').waitFor();

    // The review goes on: same card, reveal and grade work, nothing reloaded.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(prompt);
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('button', { name: /^Good · / }).click();
    await expect.poll(async () => (await readReviewLog(page)).length).toBe(1);
    expect(await page.locator('meta[name="rehearse-build"]').count()).toBe(0);

    await page.getByRole('button', { name: 'Reload to update' }).click();
    await page.waitForFunction(() => document.querySelector('meta[name="rehearse-build"]')?.getAttribute('content') === 'B', null, { timeout: 30_000 });
    expect(await readReviewLog(page)).toHaveLength(1);
    await context.close();
    await server.close();
  });
});
