import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useServedBuild } from './browser.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const served = useServedBuild();

interface AxeViolation { id: string; help: string; nodes: { target: string[] }[] }

async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations;
  });
  return found.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('accessibility (axe-core) on every screen', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`has no violations on Today, Review, Library, a question, Progress and Settings (${scheme})`, async () => {
      const context = await served.browser().newContext({ serviceWorkers: 'block', bypassCSP: true /* axe is injected as an inline script */, colorScheme: scheme, viewport: { width: 375, height: 740 } });
      const page = await context.newPage();
      const report: Record<string, string[]> = {};
      const check = async (name: string) => {
        report[name] = await violations(page);
      };
      await page.goto(served.url());
      await page.getByRole('heading', { name: 'Today' }).waitFor();
      await check('Today');
      await page.getByRole('link', { name: 'Start review' }).click();
      await page.getByRole('button', { name: 'Show answer' }).waitFor();
      await check('Review (question)');
      await page.getByRole('button', { name: 'Show answer' }).click();
      await page.getByRole('group', { name: 'Grade your recall' }).waitFor();
      await check('Review (answer)');
      // The shortcut list and the note box drawn over the answer side.
      await page.getByRole('group', { name: 'Model answer' }).focus();
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await page.getByRole('button', { name: /^Note/ }).click();
      await page.getByRole('textbox', { name: 'Your note on this question' }).waitFor();
      await check('Review (shortcuts and note)');
      await page.goto(`${served.url()}/library`);
      await page.locator('.results li').first().waitFor();
      await check('Library');
      await page.goto(`${served.url()}/library/py-decorators-and-functools-wraps`);
      await page.getByRole('heading', { name: 'Deep explanation' }).waitFor();
      await check('Question');
      await page.goto(`${served.url()}/progress`);
      await page.getByRole('heading', { name: 'Progress', level: 1 }).waitFor();
      await check('Progress');
      await page.goto(`${served.url()}/settings`);
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await check('Settings');
      expect(report).toEqual({
        Today: [], 'Review (question)': [], 'Review (answer)': [], 'Review (shortcuts and note)': [], Library: [], Question: [], Progress: [], Settings: [],
      });
      await context.close();
    });
  }
});
