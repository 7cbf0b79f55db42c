import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { ROOT } from '../e2e/browser.ts';
import { bigCollection, chromiumVersion } from './chromium.ts';
import { CONDITIONS, timeInteraction } from './page-probes.ts';
import { machineLine, megabytes, renderTable, type Row } from './report.ts';
import { withNewReviewIds } from './backup-file.ts';

/**
 * `npm run bench:merge` (REHEARSE_MERGE_BENCH=1; `npm run bench` skips it, its backup phase merges too): merging a backup that adds many reviews across most cards, through
 * the Settings screen, on the bench's big collection (the cached profile from `npm run bench`:
 * 100,000 cards, 1,000,000 reviews). The backup is the device's own export with every fifth
 * review under a new id, so the merge adds 200,000 reviews and replays most cards.
 * REHEARSE_MERGE_SCALE=0.1 measures at a tenth of the size (10,000 cards, 100,000 reviews),
 * a separately cached collection. Timings are printed, never asserted.
 */

const SCALE = Number(process.env.REHEARSE_MERGE_SCALE ?? 1);
const TOTAL_CARDS = Math.round(100_000 * SCALE);
const TOTAL_REVIEWS = Math.round(1_000_000 * SCALE);
const EVERY = 5;
const LONG = 1_500_000;

const DATA_DIR = join(ROOT, 'data');
const BANK_QUESTIONS = readdirSync(DATA_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .reduce((sum, d) => sum + readdirSync(join(DATA_DIR, d.name)).filter((f) => f.endsWith('.md')).length, 0);
// The same plan as run.bench-run.ts at scale 1, so both share the cached collection.
const OWN_QUESTIONS = (TOTAL_CARDS - 2 * BANK_QUESTIONS) / 2;

let server: PreviewServer | undefined;
let context: BrowserContext | undefined;
const tempDirs: string[] = [];

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const n = (x: number) => x.toLocaleString('en');
const log = (line: string) => process.stderr.write(`[bench:merge] ${line}\n`);

const settingsReady = `() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Export backup' && !b.disabled)`;

async function waitFor(page: Page, condition: string, timeout = LONG): Promise<void> {
  await page.waitForFunction((source) => (0, eval)(`(${source})`)(), condition, { timeout });
}

describe.runIf(process.env.REHEARSE_MERGE_BENCH)('merge bench', () => {
  it(`merges a backup adding ${n(TOTAL_REVIEWS / EVERY)} reviews into ${n(TOTAL_CARDS)} cards / ${n(TOTAL_REVIEWS)} reviews`, async () => {
    const rows: Row[] = [];
    const evidence: string[] = [];
    const started = Date.now();
    const big = await bigCollection({ ownQuestions: OWN_QUESTIONS, reviews: TOTAL_REVIEWS });
    server = big.server;
    context = big.context;
    tempDirs.push(big.runDir);
    log(`collection ready in ${((Date.now() - started) / 1000).toFixed(0)} s (${big.reused ? 'cached' : 'seeded'}; first open ${n(big.firstOpen.todayMs)} ms)`);
    evidence.push(`Collection: ${n(big.summary.cards)} cards, ${n(big.summary.reviews)} reviews; first open of the app on it (any schema upgrade): Today ready in ${n(big.firstOpen.todayMs)} ms, progress tables built in the background by ${n(big.firstOpen.builtMs)} ms.`);

    const page = await context.newPage();
    page.on('crash', () => evidence.push('BROKEN: the tab crashed'));
    await page.goto(`${big.url}/settings`);
    await waitFor(page, settingsReady);
    const chromium = await chromiumVersion(page);

    const downloadEvent = page.waitForEvent('download', { timeout: LONG });
    const exported = await timeInteraction(page, CONDITIONS.backupSaved, () => page.getByRole('button', { name: 'Export backup' }).click(), LONG);
    const download = await downloadEvent;
    const file = await download.path();
    rows.push({ measure: 'export (click → "Backup saved")', value: exported.ms, runs: 1 });
    log(`exported in ${n(Math.round(exported.ms))} ms`);

    const altered = join(big.runDir, '..', `merge-bench-${Date.now()}.json.gz`);
    tempDirs.push(altered);
    const change = await withNewReviewIds(file, altered, EVERY);
    evidence.push(`Backup: the export with ${n(change.changed)} of ${n(change.of)} reviews under new ids (${megabytes(change.bytes)} gzip).`);

    const checked = await timeInteraction(page, CONDITIONS.backupPreview, () => page.getByLabel('Import backup').setInputFiles(altered), LONG);
    rows.push({ measure: 'import: unpack + read + validate (→ preview)', value: checked.ms, runs: 1 });
    log(`preview in ${n(Math.round(checked.ms))} ms; merging…`);
    const merged = await timeInteraction(page, CONDITIONS.importDone, () => page.getByRole('button', { name: 'Merge', exact: true }).click(), LONG);
    const said = (await page.locator('.backup-section [role=alert], .backup-notice').first().textContent())?.trim() ?? '';
    rows.push({ measure: `merge +${n(change.changed)} reviews (click → "Merged")`, value: merged.ms, runs: 1, target: '≤ 30,000 ms' });
    evidence.push(`The app said: ${said}`);
    // The import's own steps (src/db/backup-repo.ts puts them on the performance timeline).
    const steps = await page.evaluate(() =>
      performance.getEntriesByType('measure').filter((m) => m.name.startsWith('rehearse:import:')).map((m) => [m.name.slice(16), m.duration] as const),
    );
    if (steps.length) evidence.push(`Import steps: ${steps.map(([name, ms]) => `${name} ${n(Math.round(ms))} ms`).join(', ')}.`);
    log(`merged in ${n(Math.round(merged.ms))} ms: ${said}`);

    // The app stays usable: Today renders after the merge.
    await page.goto(`${big.url}/`);
    const today = Date.now();
    await waitFor(page, CONDITIONS.todayReady);
    rows.push({ measure: 'reload after merge → Today interactive', value: Date.now() - today, runs: 1 });
    await download.delete();

    console.log(
      [
        '',
        `Rehearse merge bench: ${n(TOTAL_CARDS)} cards, ${n(TOTAL_REVIEWS)} reviews (scale ${SCALE}).`,
        machineLine(chromium),
        '',
        renderTable(rows),
        '',
        ...evidence.map((line) => `- ${line}`),
        `- Whole bench ${((Date.now() - started) / 1000).toFixed(0)} s.`,
        '',
      ].join('\n'),
    );
    expect(said).toMatch(/^Merged/);
  });
});
