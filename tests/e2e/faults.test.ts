import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readStore, useServedBuild } from './browser.ts';
import type { CardRow, ReviewRow } from '../../src/db/database.ts';
import { backupFile, cardsNotReplayed, indexedDbFiles, killBrowser, killDuringImport, mergeToEnd, openProfile, previewImport, storedCounts, waitForToday } from '../faults/kill.ts';
import { backupTextV1, makeBackup } from '../core/backup/backup-fixtures.ts';
import { makeQuestion } from '../fixtures.ts';

const served = useServedBuild();

/** Hostile Markdown: remote images (absolute, protocol-relative), raw HTML and a remote link. */
const REMOTE = 'http://127.0.0.1:9';
const hostile = (where: string) =>
  `${where} ![pixel](${REMOTE}/${where}.png) ![p2](//127.0.0.1:9/${where}-2.png) <img src="${REMOTE}/${where}-raw.png"> [link](${REMOTE}/${where}-link)`;

/** Records every request that leaves the origin and every CSP violation the page reports. */
async function recordedDevice(): Promise<{ context: BrowserContext; page: Page; offOrigin: string[]; cspErrors: string[] }> {
  const context = await served.browser().newContext({ viewport: { width: 1280, height: 800 } });
  const offOrigin: string[] = [];
  const cspErrors: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(served.url()) && !url.startsWith('data:') && !url.startsWith('blob:')) offOrigin.push(url);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|CSP violation/i.test(message.text())) cspErrors.push(message.text());
  });
  page.on('pageerror', (error) => cspErrors.push(`uncaught: ${error.message}`));
  return { context, page, offOrigin, cspErrors };
}

/** Visits every screen that shows the question's text, and studies its answer card once. */
async function visitEveryScreen(page: Page, title: RegExp): Promise<void> {
  await page.getByRole('link', { name: 'Today' }).click();
  await page.getByRole('heading', { name: 'Today' }).waitFor();
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByLabel('Search questions').fill('pixel');
  await page.locator('.results a.result-link').filter({ hasText: title }).first().click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByRole('link', { name: 'Study it now' }).click();
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.locator('a.remote-image').first().waitFor();
  await page.getByRole('button', { name: /^Good/ }).click();
  await page.getByRole('link', { name: 'Progress' }).click();
  await page.getByRole('heading', { level: 1, name: 'Progress' }).waitFor();
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Export backup' }).waitFor();
  await page.getByRole('link', { name: 'Library' }).click();
  await page.locator('.results a.result-link').first().waitFor();
}

describe('nothing leaves the device and nothing executes (issue 13)', () => {
  it('serves the policy as a header and a meta tag', async () => {
    const { context, page } = await recordedDevice();
    const response = await page.goto(served.url());
    const header = response!.headers()['content-security-policy'] ?? '';
    expect(header).toContain("img-src 'self' data: blob:");
    expect(header).toContain("connect-src 'self';");
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(header);
    await context.close();
  });

  it('a typed own question with remote images: every screen shows them as links, 0 off-origin requests, 0 CSP errors', async () => {
    const { context, page, offOrigin, cspErrors } = await recordedDevice();
    await page.goto(`${served.url()}/library/new`);
    await page.getByLabel('Question', { exact: true }).fill(`Typed pixel ![t](${REMOTE}/title.png)`);
    await page.getByLabel('Topic').fill(`Topic ![t](${REMOTE}/topic.png)`);
    await page.getByLabel('Difficulty (1–10)').fill('5');
    await page.getByLabel('Answer', { exact: true }).fill(hostile('answer'));
    await page.getByLabel('Key points').fill(`${hostile('kp1')}\nSecond\nThird`);
    await page.getByLabel('Deep explanation').fill(hostile('deep'));
    await page.getByLabel('Real-world example').fill(hostile('example'));
    await page.getByLabel('Common mistakes').fill(`**One.** ${hostile('m1')}\n**Two.** b\n**Three.** c`);
    await page.getByLabel('Production scenario').fill(hostile('scenario'));
    await page.getByLabel('Follow-up questions').fill(`${hostile('f1')}\nHow?`);
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByRole('heading', { level: 1, name: /^Typed pixel/ }).waitFor();
    expect(await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src).filter((s) => !s.startsWith(location.origin)))).toEqual([]);
    const placeholder = page.locator('a.remote-image').first();
    expect(await placeholder.textContent()).toBe('Image: pixel (not loaded, opens 127.0.0.1:9)');
    await page.getByRole('textbox', { name: 'Your note' }).fill(hostile('note'));
    await page.getByText('Note saved.').waitFor();
    await visitEveryScreen(page, /^Typed pixel/);
    expect(offOrigin).toEqual([]);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it('own questions and notes arriving in a backup with remote images: 0 off-origin requests, 0 CSP errors', async () => {
    const { context, page, offOrigin, cspErrors } = await recordedDevice();
    await page.goto(served.url());
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    const q = makeQuestion('own-q1', {
      title: `Imported pixel ![t](${REMOTE}/title.png)`,
      answer: hostile('answer'),
      keyPoints: [hostile('kp1'), 'Second', 'Third'],
      deepExplanation: hostile('deep'),
      realWorldExample: hostile('example'),
      commonMistakes: [`**One.** ${hostile('m1')}`, '**Two.** b', '**Three.** c'],
      productionScenario: hostile('scenario'),
      followUps: [hostile('f1'), 'How?'],
    });
    const backup = makeBackup({
      customQuestions: [{ ...q, createdAt: makeBackup().customQuestions[0]!.createdAt, updatedAt: makeBackup().customQuestions[0]!.updatedAt }],
      notes: [{ questionId: 'own-q1', text: hostile('note'), updatedAt: makeBackup().notes[0]!.updatedAt }],
    });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Import backup').setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(backupTextV1(backup)) });
    await page.getByRole('button', { name: 'Merge' }).click();
    await page.getByText(/merged|Merged/).first().waitFor();
    await visitEveryScreen(page, /^Imported pixel/);
    expect(offOrigin).toEqual([]);
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});

describe('a browser killed mid-write loses nothing it confirmed and never the database (issue 13 items 4, "Proven by")', () => {
  /** A persistent profile (ordinary contexts keep IndexedDB in memory: a kill would prove nothing). */
  let dir: string;
  let work: string;
  let context: BrowserContext;
  let page: Page;

  const launch = async () => {
    context = await openProfile(dir);
    page = await context.newPage();
    await page.goto(served.url());
    await waitForToday(page);
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'rehearse-kill-e2e-'));
    dir = join(work, 'profile');
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('SIGKILL 3 times during a 20,000-review merge, relaunch and close at once, relaunch: each import whole or absent, and a database Chromium lost is never lost silently', async () => {
    await launch();
    await mergeToEnd(page, backupFile(work, 300, 'seed'));
    let expected = (await storedCounts(page))!.reviews;
    const outcomes: string[] = [];
    let wipes = 0;
    // Kill after 0.3, 1.5 and 4 MB of the import reached the disk: early, middle and late in its writes.
    for (const [run, bytes] of [0.3e6, 1.5e6, 4e6].entries()) {
      const file = backupFile(work, 20_000, `kill${run}`);
      await previewImport(page, file);
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await killDuringImport(page, dir, bytes);
      await context.close().catch(() => undefined);
      // The write-ahead log the kill may have torn (the newest one), which LevelDB would reuse.
      const logs = (files: Record<string, number>) => Object.keys(files).filter((f) => /\d+\.log$/.test(f)).sort();
      const tornLog = logs(indexedDbFiles(dir)).at(-1);
      await launch();
      await context.close(); // closed as soon as Today shows: the pattern that once found the database gone
      // The app noticed the unclean exit and made LevelDB retire that log before Today showed.
      expect(logs(indexedDbFiles(dir)), 'the log left by the kill is retired by the next launch').not.toContain(tornLog);
      await launch();
      const stored = await storedCounts(page);
      if (!stored || stored.reviews === 0) {
        // Chromium itself sometimes deletes a database whose log the kill tore (README, "Crashes
        // during an import"; seen in CI at this size): that must never be silent.
        wipes += 1;
        await page.getByText(/Your reviews on this device are gone/).waitFor();
        outcomes.push('wiped, and Today said so');
        await mergeToEnd(page, backupFile(work, 300, `reseed${run}`));
        expected = (await storedCounts(page))!.reviews;
        continue;
      }
      expect([expected, expected + 20_000], 'the import is whole or absent').toContain(stored.reviews);
      expect(await page.getByText(/Your reviews on this device are gone/).count()).toBe(0);
      outcomes.push(stored.reviews === expected ? 'absent' : 'whole');
      expected = stored.reviews;
    }
    const [cards, reviews] = await Promise.all([readStore<CardRow>(page, 'cards'), readStore<ReviewRow>(page, 'reviews')]);
    expect(reviews).toHaveLength(expected);
    expect(cardsNotReplayed(cards, reviews)).toEqual([]);
    console.log(`kill during import: 3 kills, ${wipes} wipes; imports ${outcomes.join(', ')}`);
  }, 600_000);

  it('SIGKILL 3 times right after a grade key: the review is whole or absent, and there once the next card showed', async () => {
    await context.close().catch(() => undefined);
    // A profile of its own, with a small collection: the counts below read every row.
    dir = join(work, 'grade-profile');
    await launch();
    const seen: string[] = [];
    // How long to watch for the next card before the kill: none, a little, enough to see it.
    for (const watch of [0, 60, 2_000]) {
      const before = await readStore<ReviewRow>(page, 'reviews');
      await page.getByRole('link', { name: 'Start review' }).click();
      await page.getByRole('button', { name: 'Show answer' }).click();
      await page.getByRole('button', { name: /^Good/ }).waitFor();
      await page.keyboard.press('3');
      const shown = page.getByRole('button', { name: 'Show answer' });
      const deadline = Date.now() + watch;
      // With no watch the kill follows the key press at once, whatever the screen shows.
      let nextShown = watch > 0 && (await shown.isVisible());
      while (!nextShown && Date.now() < deadline) nextShown = await shown.isVisible();
      await killBrowser(dir);
      await context.close().catch(() => undefined);
      await launch();
      const [cards, after] = await Promise.all([readStore<CardRow>(page, 'cards'), readStore<ReviewRow>(page, 'reviews')]);
      expect([before.length, before.length + 1], 'the review is whole or absent').toContain(after.length);
      if (nextShown) expect(after.length, 'the next card showed, so the grade was stored').toBe(before.length + 1);
      expect(cardsNotReplayed(cards, after)).toEqual([]);
      seen.push(`${after.length > before.length ? 'kept' : 'absent'}${nextShown ? ' (next card shown)' : ''}`);
    }
    console.log(`kill during grade: 3 kills, reviews ${seen.join(', ')}`);
  }, 600_000);
});
