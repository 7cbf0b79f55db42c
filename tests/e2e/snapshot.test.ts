import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { forbidOtherOrigins, readReviewLog, useServedBuild } from './browser.ts';

const served = useServedBuild();

/** What a wiped database looks like to the app: the main database deleted (the app's connection steps aside), the snapshot database left alone. */
async function deleteMainDatabase(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('rehearse');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    return (await indexedDB.databases()).map((d) => d.name ?? '').sort();
  });
}

describe('the automatic snapshot in Chromium', () => {
  it('after a grade the snapshot is kept; with the main database deleted, Today offers it and restoring brings the review back', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block' });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    await page.goto(served.url());
    await page.getByRole('link', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('button', { name: /^Good · / }).click();
    // The next card shows once the grade is stored.
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    const log = await readReviewLog(page);
    expect(log).toHaveLength(1);

    // Leaving the review screen lets the daily snapshot be made; Settings shows it.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(/^Automatic snapshot: .+, 1 review\.$/).waitFor({ timeout: 30_000 });

    expect(await deleteMainDatabase(page)).toEqual(['rehearse-snapshots']);
    // The next launch, at Today.
    await page.goto(served.url());
    const restore = page.getByRole('button', { name: /^Restore the automatic snapshot from .+ \(1 review\)$/ });
    await restore.waitFor({ timeout: 30_000 });
    await restore.click();
    await page.getByText(/^Restored the automatic snapshot from .+: 1 review and \d+ cards are back\.$/).waitFor({ timeout: 30_000 });
    expect(await page.getByText(/Your reviews on this device are gone/).count()).toBe(0);
    expect(await readReviewLog(page)).toEqual(log);

    // The next launch finds the review where it belongs: no alert.
    await page.reload();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByText('Last backup', { exact: false }).or(page.getByText('No backup yet')).first().waitFor();
    expect(await page.getByText(/Your reviews on this device are gone/).count()).toBe(0);
    expect(offenders).toEqual([]);
    await context.close();
  });
});
