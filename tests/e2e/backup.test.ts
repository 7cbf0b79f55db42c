import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dumpDatabase, forbidOtherOrigins, readReviewLog, useServedBuild } from './browser.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { backupTextV1 } from '../core/backup/backup-fixtures.ts';

const served = useServedBuild();

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2.1 AA findings, plus any sideways scrolling on a phone-sized screen. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    type Violation = { id: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    const problems = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    if (document.documentElement.scrollWidth > window.innerWidth) problems.push(`scrolls sideways: ${document.documentElement.scrollWidth}px`);
    return problems;
  });
  return found;
}

async function newDevice(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; page: Page; offenders: string[] }> {
  const context = await served.browser().newContext({
    // axe is injected as an inline script, which the app's CSP rightly blocks; requests are still recorded.
    bypassCSP: true,
    serviceWorkers: 'block',
    acceptDownloads: true,
    viewport: { width: 375, height: 740 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const offenders: string[] = [];
  forbidOtherOrigins(context, served.url(), offenders);
  const page = await context.newPage();
  await page.goto(served.url());
  await page.getByRole('heading', { name: 'Today' }).waitFor();
  return { context, page, offenders };
}

async function reviewOne(page: Page, grade: RegExp): Promise<void> {
  await page.getByRole('link', { name: 'Start review' }).click();
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.getByRole('button', { name: grade }).click();
  await page.waitForFunction(() => document.querySelector('progress')?.getAttribute('value') === '1' || !document.querySelector('progress'));
}

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Export backup' }).waitFor();
}

describe('backups in Chromium', () => {
  it('Export backup downloads a gzip file that unpacks to a valid backup of what was reviewed, and it restores on another device', async () => {
    const first = await newDevice();
    await reviewOne(first.page, /^Good · /);
    await openSettings(first.page);
    await first.page.getByText('No backup made yet on this device.').waitFor();
    const [download] = await Promise.all([
      first.page.waitForEvent('download'),
      first.page.getByRole('button', { name: 'Export backup' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^rehearse-backup-\d{4}-\d{2}-\d{2}\.json\.gz$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const parsed = parseBackup(gunzipSync(bytes).toString('utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const log = await readReviewLog(first.page);
    expect(parsed.value.reviews.map((r) => r.id)).toEqual(log.map((r) => r.id));
    expect(parsed.value.reviews[0]).toMatchObject({ rating: 3 });
    expect(parsed.value.device).toMatch(/Chrome/);
    await first.page.getByText(/^Last backup: .*\(today\)\.$/).waitFor();

    // A second device (dark theme, phone width) restores it with Replace; every step stays accessible.
    const second = await newDevice({ colorScheme: 'dark' });
    const a11y: Record<string, string[]> = {};
    await openSettings(second.page);
    await second.page.getByLabel('Import backup').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/gzip', buffer: bytes });
    await second.page.getByRole('button', { name: 'Replace…' }).waitFor();
    a11y.preview = await accessibilityProblems(second.page);
    await second.page.getByRole('button', { name: 'Replace…' }).click();
    await second.page.getByRole('button', { name: 'Replace everything' }).waitFor();
    a11y.confirm = await accessibilityProblems(second.page);
    await second.page.getByRole('button', { name: 'Replace everything' }).click();
    await second.page.getByText(/^This device now holds the backup/).waitFor();
    expect((await readReviewLog(second.page)).map((r) => r.id)).toEqual(log.map((r) => r.id));
    await second.page.getByRole('button', { name: 'Undo replace' }).waitFor();
    a11y.replaced = await accessibilityProblems(second.page);
    expect(a11y).toEqual({ preview: [], confirm: [], replaced: [] });

    expect([...first.offenders, ...second.offenders]).toEqual([]);
    await first.context.close();
    await second.context.close();
  });

  it('importing a corrupted file shows the message and leaves the data unchanged', async () => {
    const { context, page, offenders } = await newDevice();
    await reviewOne(page, /^Easy · /);
    await openSettings(page);
    const before = await dumpDatabase(page);
    const valid = backupTextV1();
    await page.getByLabel('Import backup').setInputFiles({
      name: 'rehearse-backup-broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(valid.slice(0, Math.floor(valid.length * 0.6))),
    });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('This file is not a Rehearse backup: it is not valid JSON (truncated?)');
    expect(await alert.textContent()).toContain('Nothing was changed');
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Merge' }).count()).toBe(0);
    expect(await dumpDatabase(page)).toEqual(before);

    // A hostile value is named precisely, and still nothing changes.
    const hostile = JSON.parse(valid);
    hostile.reviews[1].reviewedAt = 1e300;
    await page.getByLabel('Import backup').setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(hostile)) });
    await page.getByRole('alert').filter({ hasText: 'hostile.json' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('reviews[1].reviewedAt must be a time');
    expect(await dumpDatabase(page)).toEqual(before);

    // A compressed file cut short is refused as such, and still nothing changes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export backup' }).click()]);
    const gz = readFileSync(await download.path());
    const afterExport = await dumpDatabase(page);
    await page.getByLabel('Import backup').setInputFiles({ name: 'cut.json.gz', mimeType: 'application/gzip', buffer: gz.subarray(0, gz.length - 40) });
    await page.getByRole('alert').filter({ hasText: 'cut.json.gz' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('it is a damaged compressed (gzip) file and could not be unpacked');
    expect(await dumpDatabase(page)).toEqual(afterExport);
    expect(offenders).toEqual([]);
    await context.close();
  });
});
