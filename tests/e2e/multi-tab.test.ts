import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { memoryOf, readStore, useServedBuild } from './browser.ts';
import { replay } from '../../src/core/scheduling/fsrs.ts';
import type { CardRow, ReviewRow } from '../../src/db/database.ts';

const served = useServedBuild();



async function grade(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.getByRole('button', { name }).click();
  await page.waitForFunction(() => document.querySelector('progress')?.getAttribute('value') === '1');
}

describe('two tabs reviewing the same card', () => {
  it('keeps both grades exactly once, and the stored card equals a replay of its log', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block' });
    const first = await context.newPage();
    await first.goto(served.url());
    await first.getByRole('heading', { name: 'Today' }).waitFor();
    const second = await context.newPage();
    await second.goto(`${served.url()}/review`);
    await first.goto(`${served.url()}/review`);
    await first.getByRole('button', { name: 'Show answer' }).waitFor();
    await second.getByRole('button', { name: 'Show answer' }).waitFor();
    const prompt = await first.getByRole('heading', { level: 1 }).textContent();
    expect(await second.getByRole('heading', { level: 1 }).textContent()).toBe(prompt);

    await grade(first, /^Good · /);
    // The second tab still shows the card as it was before the first tab's grade.
    expect(await second.getByRole('heading', { level: 1 }).textContent()).toBe(prompt);
    await grade(second, /^Easy · /);

    const log = await readStore<ReviewRow>(first, 'reviews');
    expect(log).toHaveLength(2);
    expect(new Set(log.map((r) => r.id)).size).toBe(2);
    const cardId = log[0]!.cardId;
    expect(log.every((r) => r.cardId === cardId)).toBe(true);
    const ordered = [...log].sort((a, b) => a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : 1));
    expect(ordered.map((r) => r.rating).sort()).toEqual([3, 4]);
    // The later grade started from the earlier one's result, not from the stale screen.
    expect(ordered[1]!.before.reps).toBe(1);

    const card = (await readStore<CardRow>(first, 'cards')).find((c) => c.id === cardId)!;
    expect(memoryOf(card)).toEqual(replay(cardId, ordered[0]!.before, ordered));
    expect(card.reps).toBe(2);
    await context.close();
  });
});
