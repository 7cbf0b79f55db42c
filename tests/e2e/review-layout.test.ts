import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { readReviewLog, useServedBuild } from './browser.ts';
import { NOTICE_MS } from '../../src/app/notices.ts';

const served = useServedBuild();
/** Set REHEARSE_SHOTS to a folder to keep screenshots of both sides of a card. */
const SHOTS = process.env.REHEARSE_SHOTS;

type Box = { x: number; y: number; width: number; height: number };

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not laid out');
  return box;
}

/** Moves focus with Tab until a key-point checkbox has it (keyboard only, as a learner would). */
async function tabToCheckbox(page: Page): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'checkbox')) return;
  }
  throw new Error('no checkbox reached with Tab');
}

const SIZES = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'laptop', width: 1280, height: 800 },
] as const;

describe('review layout and keyboard in Chromium', () => {
  for (const size of SIZES) {
    it(`runs a keyboard-only session of 15 cards at ${size.width}×${size.height}; the offline notice never covers the grade bar`, async () => {
      const context = await served.browser().newContext({ viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      // The notice times out after 6 s; on a busy machine the session takes longer. Its timer is
      // held here (and run at the end) so every card's geometry is compared while it is up.
      await page.addInitScript((ms) => {
        const held: (() => void)[] = [];
        const original = window.setTimeout;
        (window as unknown as { runHeldTimers: () => void }).runHeldTimers = () => held.splice(0).forEach((f) => f());
        window.setTimeout = ((handler: () => void, delay?: number, ...rest: unknown[]) => {
          if (delay === ms) {
            held.push(handler);
            return 0;
          }
          return original(handler, delay, ...rest);
        }) as typeof window.setTimeout;
      }, NOTICE_MS);
      await page.goto(served.url());
      await page.getByRole('heading', { name: 'Today' }).waitFor();
      const notice = page.locator('.notice', { hasText: 'Ready to work offline.' });
      await notice.waitFor();

      await page.getByRole('link', { name: 'Start review' }).click();
      const grades = page.getByRole('group', { name: 'Grade your recall' });
      let graded = 0;
      let comparedWithNotice = 0;
      while (graded < 15) {
        const showAnswer = page.getByRole('button', { name: 'Show answer' });
        await showAnswer.waitFor();
        if (graded === 0 && SHOTS) {
          mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: `${SHOTS}/review-question-${size.width}.png` });
        }
        // Show answer sits inside the viewport.
        const showBox = await boxOf(showAnswer);
        expect(showBox.y + showBox.height).toBeLessThanOrEqual(size.height);
        await page.keyboard.press('Space');
        await grades.waitFor();
        if (graded === 0 && SHOTS) await page.screenshot({ path: `${SHOTS}/review-answer-${size.width}.png` });

        // Scroll to the end of a long answer: the bar stays on screen, whole, at the bottom.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        const bar = await boxOf(grades);
        expect(bar.y).toBeGreaterThan(size.height / 2);
        expect(bar.y + bar.height).toBeLessThanOrEqual(size.height);
        for (const name of ['Again', 'Hard', 'Good', 'Easy']) {
          const button = await boxOf(grades.getByRole('button', { name: new RegExp(`^${name}`) }));
          expect(button.y + button.height).toBeLessThanOrEqual(size.height);
        }
        if (size.width < 640) {
          // One-handed: the main navigation is a bottom bar that the grade bar sits above.
          const nav = await boxOf(page.getByRole('navigation', { name: 'Main' }));
          expect(nav.y + nav.height).toBeGreaterThanOrEqual(size.height - 1);
          expect(intersects(nav, bar)).toBe(false);
        }
        if (await notice.isVisible()) {
          expect(intersects(await boxOf(notice), bar)).toBe(false);
          comparedWithNotice++;
        }

        const kind = graded % 3;
        if (kind === 0) {
          // Tick a key point with Space, then grade with a number while the checkbox keeps focus.
          await tabToCheckbox(page);
          await page.keyboard.press('Space');
          expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
          await page.getByText(/Suggested grade: Hard|Suggested grade: Good/).waitFor();
          await page.keyboard.press(graded % 2 ? '3' : '2');
        } else if (kind === 1) {
          await page.getByRole('group', { name: 'Model answer' }).focus();
          await page.keyboard.press('Space'); // Good
        } else {
          await page.keyboard.press(graded < 6 ? '1' : '4');
        }
        graded++;
        // The grade is saved and the next card's front shows (a card graded Again can be the
        // same one again, so the count of cards done is not a signal: the log is).
        await expect.poll(async () => (await readReviewLog(page)).length, { timeout: 30_000 }).toBe(graded);
        if (graded < 15) await showAnswer.waitFor();
      }
      expect(comparedWithNotice).toBe(15);
      expect(await readReviewLog(page)).toHaveLength(15);
      // The notice leaves by itself when its timer fires.
      await page.evaluate(() => (window as unknown as { runHeldTimers: () => void }).runHeldTimers());
      await notice.waitFor({ state: 'detached' });
      await context.close();
    });
  }

  it('shows a disclosure arrow that turns when a section opens, and wraps code on a phone column', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block', viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${served.url()}/review?question=py-context-managers&ahead=1`);
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('group', { name: 'Grade your recall' }).waitFor();
    const summary = page.locator('summary', { hasText: 'Deep explanation' });
    const arrow = () => summary.evaluate((el) => {
      const style = getComputedStyle(el, '::before');
      return { content: style.content, transform: style.transform };
    });
    const closed = await arrow();
    expect(closed.content).toContain('▸');
    await summary.press('Enter');
    await page.waitForFunction(() => !!document.querySelector('details[open]'));
    expect((await arrow()).transform).not.toBe(closed.transform);
    // Open every section: no code block may hide its ends off the column.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    const blocks = await page.locator('pre.code').evaluateAll((pres) =>
      pres.map((pre) => ({ scroll: pre.scrollWidth, client: pre.clientWidth, width: pre.getBoundingClientRect().width })),
    );
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      expect(block.width).toBeLessThanOrEqual(375);
      expect(block.scroll).toBeLessThanOrEqual(block.client);
    }
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/review-code-375.png`, fullPage: true });
    await context.close();
  });
});
