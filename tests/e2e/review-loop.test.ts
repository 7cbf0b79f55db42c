import { describe, expect, it } from 'vitest';
import { dueCounts, forbidOtherOrigins, readReviewLog, useServedBuild } from './browser.ts';

const served = useServedBuild();

describe('the daily review loop in Chromium', () => {
  it('keeps two graded cards after a reload and brings them back when they fall due', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block' });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    const start = new Date('2026-03-02T09:00:00');
    await page.clock.install({ time: start });
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    const before = await dueCounts(page);
    expect(before.fresh).toBe(10);

    await page.getByRole('link', { name: 'Start review' }).click();
    const prompts: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: 'Show answer' }).waitFor();
      prompts.push((await page.getByRole('heading', { level: 1 }).textContent()) ?? '');
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: /^Easy · / }).waitFor();
      await page.keyboard.press('4');
      await page.waitForFunction((n) => document.querySelector('progress')?.getAttribute('value') === String(n) || !document.querySelector('progress'), i + 1);
    }
    expect(new Set(prompts).size).toBe(2);

    await page.reload();
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect(await dueCounts(page)).toEqual({ learning: 0, review: 0, fresh: 8 });
    const log = await readReviewLog(page);
    expect(log).toHaveLength(2);
    expect(log.every((r) => r.rating === 4)).toBe(true);

    // A month later both cards are due for review again.
    await page.clock.setSystemTime(new Date(start.getTime() + 30 * 86_400_000));
    await page.reload();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect((await dueCounts(page)).review).toBe(2);
    expect(offenders).toEqual([]);
    await context.close();
  });
});
