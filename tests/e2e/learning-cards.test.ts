import { describe, expect, it } from 'vitest';
import { dueCounts, forbidOtherOrigins, readReviewLog, useServedBuild } from './browser.ts';

const served = useServedBuild();

describe('learning cards in Chromium', () => {
  it('are counted on Today and come back without navigation when the clock moves 10 minutes', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block' });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    await page.clock.install({ time: new Date('2026-03-02T09:00:00') });
    await page.goto(served.url());

    // Two new cards a day, and no learning ahead, so the session ends while they wait.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('New cards per day').fill('2');
    await page.getByLabel('Learn ahead limit (minutes)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();

    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('link', { name: 'Start review' }).click();
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: 'Show answer' }).waitFor();
      await page.keyboard.press('Space');
      // The interval on the button is the interval the grade sets.
      await page.getByRole('button', { name: /^Good · 10m/ }).waitFor();
      await page.keyboard.press('3');
      await page.waitForFunction((n) => document.querySelector('progress')?.getAttribute('value') === String(n) || !document.querySelector('progress'), i + 1);
    }
    const done = page.getByRole('heading', { name: 'Session complete' });
    await done.waitFor();
    await page.getByText('2 learning cards come back later today.', { exact: false }).waitFor();
    const log = await readReviewLog(page);
    expect(log).toHaveLength(2);

    await page.getByRole('link', { name: 'Back to Today' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect(await dueCounts(page)).toEqual({ learning: 2, review: 0, fresh: 0 });
    await page.getByText(/2 learning cards come back later today/).waitFor();
    expect(await page.getByRole('link', { name: 'Start review' }).count()).toBe(0);

    // Ten minutes on, Today offers them without a reload or a click.
    await page.clock.fastForward('10:00');
    await page.getByRole('link', { name: 'Start review' }).waitFor();
    expect(await dueCounts(page)).toEqual({ learning: 2, review: 0, fresh: 0 });
    await page.getByRole('link', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    expect(await page.locator('.review-progress .muted').textContent()).toBe('0 of 2');
    expect(offenders).toEqual([]);
    await context.close();
  });
});
