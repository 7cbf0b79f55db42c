import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addOwnQuestion, readReviewLog, useServedBuild, waitForServiceWorker } from './browser.ts';

const served = useServedBuild();

/** On a busy 2-core machine a first search (worker start, index build) can take many seconds. */
const SLOW = { timeout: 45_000, interval: 100 };

async function freshContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await served.browser().newContext(options);
  context.setDefaultTimeout(SLOW.timeout);
  return context;
}

async function fillOwnQuestion(page: Page, title: string, answer: string) {
  await page.goto(`${served.url()}/library/new`);
  // Hostile text where Markdown is rendered: it must come out inert.
  await addOwnQuestion(page, {
    title,
    answer,
    deepExplanation: 'Deeper <b onmouseover=alert(2)>bold</b>',
    productionScenario: 'Scenario [click](javascript:alert(3))',
  });
}

describe('the Library in Chromium', () => {
  it('searches, filters, opens a question and grades it in a focused session', async () => {
    const context = await freshContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${served.url()}/library`);
    await page.getByLabel('Search questions').fill('cross validation');
    await page.getByLabel('Technology').selectOption('ml');
    await expect.poll(() => page.url(), SLOW).toContain('technology=ml');
    const first = page.locator('.results a.result-link').first();
    await expect.poll(() => first.textContent(), SLOW).toMatch(/cross-validation/i);
    // Keyboard: / focuses search, arrow down reaches the first result, Enter opens it.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Key points' }).waitFor();
    const title = await page.getByRole('heading', { level: 1 }).textContent();

    await page.getByRole('link', { name: 'Study it now' }).click();
    await page.getByRole('button', { name: 'Show answer' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(title!.slice(0, 20));
    await page.getByText(/Focused session: one question/).waitFor();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: /^Good · / }).click();
    await expect.poll(async () => (await readReviewLog(page)).length, SLOW).toBe(1);
    await context.close();
  });

  it('creates an own question, reviews it, and renders hostile text harmlessly', async () => {
    const context = await freshContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await fillOwnQuestion(page, 'Is <img src=x onerror=alert(1)> safe here?', 'Yes <script>alert(1)</script> it is');
    await page.getByRole('heading', { level: 1, name: /onerror/ }).waitFor();
    // The markup shows as text, and no element or handler from it exists in the page.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Is <img src=x onerror=alert(1)> safe here?');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.locator('[onerror], [onmouseover]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.getByText('Yes <script>alert(1)</script> it is').waitFor();

    // Review it in a focused session of own questions.
    await page.goto(`${served.url()}/review?own=1`);
    await page.getByRole('heading', { level: 1, name: /onerror/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Easy · / }).click();
    await expect.poll(async () => (await readReviewLog(page)).length, SLOW).toBe(1);
    await page.mouse.move(10, 10);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('searches the full texts in its worker without the page itself loading them', async () => {
    const context = await freshContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${served.url()}/library`);
    await page.getByLabel('Search questions').fill('decorator');
    // An answer excerpt with the word marked: the answers themselves are indexed, not only titles.
    await expect.poll(() => page.locator('.results .snippet mark').first().textContent().catch(() => ''), SLOW).toMatch(/decorator/i);
    await expect.poll(() => page.locator('.actions p[role=status]').textContent(), SLOW).toMatch(/^\d+ questions?$/);

    // The full texts are in parts (src/build/bank-plugin.ts); the small module naming them is no text.
    const fullText = /\/question-bank-part-[^/]+\.js$/;
    const fetched = (target: { evaluate: Page['evaluate'] }) =>
      target.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    // The page fetched the bank's small index, never its full texts...
    const byPage = await fetched(page);
    expect(byPage.some((url) => url.includes('_virtual_question-bank-index'))).toBe(true);
    expect(byPage.filter((url) => fullText.test(url))).toEqual([]);
    // ...which the search worker imported itself, every part once, from the files the page would load.
    const worker = page.workers().find((w) => w.url().includes('search-worker'));
    expect(worker).toBeDefined();
    const sw = await page.evaluate(() => fetch('/sw.js').then((r) => r.text()));
    const precached = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => `${served.url()}/${m[1]}`).filter((url) => fullText.test(url));
    expect(precached.length).toBeGreaterThan(1);
    expect((await fetched(worker!)).filter((url) => fullText.test(url)).sort()).toEqual(precached.sort());
    await context.close();
  });

  it('searches in its worker with no network, and finds an own question by words just edited in', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    await page.goto(served.url());
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await fillOwnQuestion(page, 'How is the quarterly capybara report produced?', 'A nightly job renders it.');
    await page.getByRole('heading', { level: 1, name: /capybara/ }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library', exact: true }).click();
    const search = page.getByLabel('Search questions');
    const status = page.locator('.actions p[role=status]');
    await search.fill('capybara');
    await expect.poll(() => status.textContent(), SLOW).toBe('1 question');
    await search.fill('nightly job');
    await expect.poll(() => page.locator('.results .snippet mark').first().textContent(), SLOW).toMatch(/nightly/i);
    await search.fill('decorator');
    await expect.poll(async () => Number(/^(\d+)/.exec((await status.textContent()) ?? '')?.[1] ?? 0), SLOW).toBeGreaterThan(0);

    // Edit it: back in the Library (same page, no reload) the new words find it.
    await search.fill('capybara');
    await page.locator('.results a.result-link').first().click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Answer', { exact: true }).fill('An overnight marmalade pipeline renders it.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: /capybara/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByLabel('Search questions').fill('marmalade');
    await expect.poll(() => page.locator('.results a.result-link').allTextContents(), SLOW).toEqual(['How is the quarterly capybara report produced?']);
    await context.close();
  });
});
