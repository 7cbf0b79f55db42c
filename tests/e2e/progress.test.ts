import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { forbidOtherOrigins, readReviewLog, useServedBuild } from './browser.ts';

const served = useServedBuild();

const STRONG = 'Testing & Production'; // every card graded Easy
const WEAK = 'ML in Production'; // every card graded Again

async function masteryOf(page: Page, topic: string): Promise<number> {
  const row = page.locator('tr', { has: page.getByRole('link', { name: `Drill ${topic}`, exact: true }) });
  const text = (await row.getByRole('cell').first().textContent()) ?? '';
  return Number(/(\d+)%/.exec(text)![1]);
}

async function waitForNextCard(page: Page, graded: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelector('progress')?.getAttribute('value') === String(n) || !document.querySelector('progress'),
    graded,
  );
}

/** Grades every card of the session: Easy for one topic, Again for another, Good for the rest. */
async function reviewAll(page: Page): Promise<{ strong: number; weak: number; total: number }> {
  const showAnswer = page.getByRole('button', { name: 'Show answer' });
  const done = page.getByRole('heading', { name: 'Session complete' });
  const seen = { strong: 0, weak: 0, total: 0 };
  for (;;) {
    await showAnswer.or(done).first().waitFor();
    if (await done.isVisible()) return seen;
    const meta = (await page.locator('.card-face .meta').textContent()) ?? '';
    const key = meta.includes(STRONG) ? '4' : meta.includes(WEAK) ? '1' : '3';
    if (key === '4') seen.strong++;
    if (key === '1') seen.weak++;
    await page.keyboard.press('Space');
    await page.getByRole('group', { name: 'Grade your recall' }).waitFor();
    await page.keyboard.press(key);
    seen.total++;
    await waitForNextCard(page, seen.total);
  }
}

async function hasNoSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function cellTexts(row: Locator): Promise<string[]> {
  return row.getByRole('cell').allTextContents();
}

describe('Progress in Chromium', () => {
  it('ranks a topic recalled well above one forgotten, and shows readiness for an interview date', { timeout: 600_000 }, async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block', viewport: { width: 375, height: 800 } });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    // Time stands still during the session, so no learning card comes back before it ends.
    const start = new Date('2026-03-02T09:00:00');
    await page.clock.setFixedTime(start);
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('New cards per day').fill('500');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();

    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('link', { name: 'Start review' }).click();
    const seen = await reviewAll(page);
    expect(seen.strong).toBeGreaterThanOrEqual(2);
    expect(seen.weak).toBeGreaterThanOrEqual(2);
    expect(await readReviewLog(page)).toHaveLength(seen.total);

    // A day later, with no reviews in between.
    await page.clock.setFixedTime(new Date(start.getTime() + 86_400_000));
    await page.getByRole('link', { name: 'Progress' }).click();
    await page.getByRole('heading', { name: 'Progress', level: 1 }).waitFor();
    const strong = await masteryOf(page, STRONG);
    const weak = await masteryOf(page, WEAK);
    expect(strong).toBeGreaterThan(weak);
    expect(strong).toBeGreaterThanOrEqual(90);
    await page.getByText(`${seen.total} reviews on 1 of the last 365 days.`).waitFor();
    // Yesterday's reviews keep the streak alive while today has none yet.
    expect(await page.getByLabel('Overview').getByText('Current streak').locator('xpath=following-sibling::dd').textContent()).toBe('1 day');
    expect(await page.getByRole('link', { name: `Drill ${STRONG}`, exact: true }).getAttribute('href')).toBe(
      '/review?technology=python&topic=Testing%20%26%20Production',
    );
    expect(await hasNoSidewaysScroll(page)).toBe(true);

    await page.getByLabel('Interview date').fill('2026-03-20');
    await page.getByRole('button', { name: 'Save date' }).click();
    await page.getByText(/in 17 days/).waitFor();
    const predicted = page.getByRole('table', { name: /Predicted recall per topic/ });
    const [onTheDay, today] = await cellTexts(predicted.getByRole('row', { name: new RegExp(WEAK) }));
    expect(Number.parseInt(onTheDay!)).toBeLessThanOrEqual(Number.parseInt(today!));
    await page.getByText(/scheduled before it/).waitFor();
    expect(await page.getByRole('heading', { name: 'Weakest topics on the day' }).isVisible()).toBe(true);
    expect(await hasNoSidewaysScroll(page)).toBe(true);
    if (process.env.PROGRESS_SCREENSHOT) await page.screenshot({ path: process.env.PROGRESS_SCREENSHOT, fullPage: true });

    // The date is the same setting Settings edits.
    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByLabel('Interview date').inputValue()).toBe('2026-03-20');
    expect(offenders).toEqual([]);
    await context.close();
  });
});
