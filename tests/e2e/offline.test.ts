import { describe, expect, it } from 'vitest';
import { forbidOtherOrigins, readReviewLog, reloadOffline, waitForServiceWorker, useServedBuild } from './browser.ts';

const served = useServedBuild();

describe('offline after the first visit', () => {
  it('starts, reviews, keeps the review across reloads and opens deep links with no network', async () => {
    const context = await served.browser().newContext();
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await waitForServiceWorker(page);

    await reloadOffline(context, page);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByText(/Offline — your reviews are saved/).waitFor();

    const t0 = Date.now();
    await page.getByRole('link', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    const firstCardMs = Date.now() - t0;
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('button', { name: /^Good · / }).click();
    await page.waitForFunction(() => document.querySelector('progress')?.getAttribute('value') === '1');
    await page.reload();
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect(await readReviewLog(page)).toHaveLength(1);

    // A deep link to a question and a filtered Library view, both straight from the cache.
    await page.goto(`${served.url()}/library/py-context-managers`);
    await page.getByRole('heading', { level: 1, name: /context manager/i }).waitFor();
    await page.getByRole('heading', { name: 'Production scenario' }).waitFor();
    await page.goto(`${served.url()}/library?technology=python&level=advanced`);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await expect.poll(() => page.locator('.results li').count()).toBeGreaterThanOrEqual(5);
    expect(offenders).toEqual([]);
    console.log(`time to first card offline (click → card shown): ${firstCardMs} ms`);
    await context.close();
  });
});
