import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { ROOT, serveBuild } from '../e2e/browser.ts';
import { generatedQuestion } from './generate.ts';
import { chromiumVersion, heapAfterGc, seededProfile } from './chromium.ts';
import { CONDITIONS, startTrace, stopTrace, summariseTrace, timeInteraction, type IdbTraceEntry } from './page-probes.ts';
import { floorGetAll, floorGradeWrite, floorQueue, type SeedSummary } from './seed.ts';
import { machineLine, median, megabytes, renderTable, type Row } from './report.ts';
import { measureSearchInNode } from './search-node.ts';

/**
 * `npm run bench`: Rehearse in real Chromium at 100,000 cards and 1,000,000 logged reviews.
 * Every figure is the median of RUNS runs next to a floor measured in the same run (raw
 * IndexedDB doing the least the app's work could need). Timings are reported, never
 * asserted: the run fails only when something is broken (a screen never renders).
 */

const RUNS = 5;
const GRADES = 20;
const GRADE_WARMUP = 2;
const TOTAL_CARDS = 100_000;
const TOTAL_REVIEWS = 1_000_000;
const SEARCH_QUESTIONS = 10_000;
const TYPED_QUERY = 'gradient desc';
const NODE_QUERIES = ['gradient desc', 'attention cache', 'closure scope', 'precision recall'];
const MAX_BACKUP_BYTES = 256 * 1024 * 1024; // src/core/backup/backup-format.ts
const DAY = 86_400_000;

const DATA_DIR = join(ROOT, 'data');
const bankByTechnology = Object.fromEntries(
  readdirSync(DATA_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, readdirSync(join(DATA_DIR, d.name)).filter((f) => f.endsWith('.md')).length]),
) as Record<string, number>;
const BANK_QUESTIONS = Object.values(bankByTechnology).reduce((a, b) => a + b, 0);
const OWN_QUESTIONS = (TOTAL_CARDS - 2 * BANK_QUESTIONS) / 2;

let server: PreviewServer;
let url: string;
const contexts: BrowserContext[] = [];
const tempDirs: string[] = [];

beforeAll(async () => {
  ({ server, url } = await serveBuild());
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await server?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const rows: Row[] = [];
const evidence: string[] = [];
const now = Date.now();

/** Questions per technology in the big collection (bank + generated own), for the Library's counts. */
function questionCounts(own: number): Record<string, number> {
  const counts: Record<string, number> = { ...bankByTechnology };
  for (let n = 0; n < own; n++) {
    const { technology } = generatedQuestion(n, now);
    counts[technology] = (counts[technology] ?? 0) + 1;
  }
  return counts;
}

async function clickNav(page: Page, name: string, ready: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.waitForFunction((source) => (0, eval)(`(${source})`)(), ready, { timeout: 180_000 });
}

function span(trace: IdbTraceEntry[], match: (what: string) => boolean): number {
  const hits = trace.filter((e) => match(e.what) && e.end);
  if (!hits.length) return Number.NaN;
  return Math.max(...hits.map((e) => e.end)) - Math.min(...hits.map((e) => e.start));
}

it(`measures Rehearse at ${TOTAL_CARDS.toLocaleString('en')} cards and ${TOTAL_REVIEWS.toLocaleString('en')} reviews`, async () => {
  const benchStart = Date.now();
  // ---- Seed the big collection -------------------------------------------------------------
  const big = await seededProfile(
    url,
    {
      questionSource: generatedQuestion.toString(),
      now,
      ownQuestions: OWN_QUESTIONS,
      reviews: TOTAL_REVIEWS,
      lastReviewAt: now - 26 * 3_600_000,
    },
    process.env.REHEARSE_BENCH_PROFILE,
  );
  contexts.push(big.context);
  if (!big.reused) tempDirs.push(big.dir);
  const seeded: SeedSummary = big.summary;
  expect(seeded.cards).toBe(TOTAL_CARDS);
  expect(seeded.reviews).toBeGreaterThanOrEqual(TOTAL_REVIEWS);
  expect(seeded.idbVersion).toBe(20); // Dexie's version 2 (Dexie stores version × 10)
  evidence.push(
    `Seeded ${seeded.cards.toLocaleString('en')} cards (${Object.entries(seeded.byState).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}), ` +
      `${seeded.reviews.toLocaleString('en')} reviews, ${seeded.customQuestions.toLocaleString('en')} own questions` +
      (big.reused ? ' (reused profile)' : ` in ${(seeded.ms / 1000).toFixed(1)} s`) +
      `; due today: ${seeded.reviewDueToday.toLocaleString('en')} review cards, ${seeded.learningDueNow} learning cards.`,
  );
  const context = big.context;

  // ---- Cold start to Today -------------------------------------------------------------------
  const cold: number[] = [];
  const coldFloor: number[] = [];
  let page: Page;
  for (let run = 0; run < RUNS; run++) {
    const blank = await context.newPage();
    await blank.goto(`${url}/robots.txt#bench-cold`, { waitUntil: 'commit' });
    const floor = await blank.evaluate(() => window.__bench.coldStart);
    if (!floor) throw new Error('the cold-start floor probe did not run');
    coldFloor.push(floor.readyAt);
    await blank.close();

    const app = await context.newPage();
    await app.goto(`${url}/#bench-cold`, { waitUntil: 'commit' });
    const timing = await app.evaluate(() => window.__bench.coldStart);
    if (!timing) throw new Error('the cold-start probe did not run');
    cold.push(timing.frameAt);
    await app.close();
  }
  // One more start, traced and not counted: which IndexedDB reads stand between launch and Today.
  page = await context.newPage();
  await page.goto(`${url}/#bench-cold-trace`, { waitUntil: 'commit' });
  await page.evaluate(() => window.__bench.coldStart);
  evidence.push(`Cold start reads: ${summariseTrace(await stopTrace(page), 6)}.`);
  const chromium = await chromiumVersion(page);
  rows.push({ measure: 'cold start → Today interactive', value: median(cold), runs: RUNS, floor: median(coldFloor), target: '≤ 1,000 ms' });
  const heapToday = await heapAfterGc(page);

  // ---- Today's queue: Start review → first card ------------------------------------------------
  const queue: number[] = [];
  let queueTrace: IdbTraceEntry[] = [];
  for (let run = 0; run < RUNS; run++) {
    if (run === RUNS - 1) await startTrace(page);
    const t = await timeInteraction(page, CONDITIONS.showAnswer, () => page.getByRole('link', { name: 'Start review' }).click());
    queue.push(t.ms);
    if (run === RUNS - 1) queueTrace = await stopTrace(page);
    else await clickNav(page, 'Today', CONDITIONS.todayReady);
  }
  const queueFloor = await page.evaluate(floorQueue, { now: Date.now(), dayStartHour: 4, newRows: 40, runs: RUNS });
  rows.push({ measure: 'Review start: Start review → first card shown', value: median(queue), runs: RUNS, floor: median(queueFloor.ms), target: '≤ 50 ms (queue)' });
  const queueReads = span(queueTrace, (w) => w.startsWith('cards[[bucket+due]]') || w.startsWith('reviews[reviewedAt]'));
  rows.push({ measure: '  of which loadTodayQueue reads (traced)', value: queueReads, floor: median(queueFloor.ms), target: '≤ 50 ms (queue)' });
  evidence.push(`Review start reads: ${summariseTrace(queueTrace, 6)}. Floor reads ${queueFloor.rows.toLocaleString('en')} rows.`);

  // ---- Grade → next card ---------------------------------------------------------------------
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptSeconds = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    return { script: get('ScriptDuration'), task: get('TaskDuration'), layout: get('LayoutDuration') + get('RecalcStyleDuration') };
  };
  await page.evaluate(() => {
    window.__bench.markKeyboardGrades = true;
    performance.clearMeasures('rehearse:grade-to-next-card');
  });
  const gradeWall: number[] = [];
  const gradeScript: number[] = [];
  const gradeTask: number[] = [];
  for (let i = 0; i < GRADE_WARMUP + GRADES; i++) {
    await page.keyboard.press('Space');
    await page.locator('.grades button').first().waitFor();
    const before = await scriptSeconds();
    await page.keyboard.press('3');
    const duration = await page.evaluate(
      (n) =>
        new Promise<number>((resolve) => {
          const check = () => {
            const entries = performance.getEntriesByName('rehearse:grade-to-next-card');
            if (entries.length <= n) return false;
            observer.disconnect();
            resolve(entries[n]!.duration);
            return true;
          };
          const observer = new PerformanceObserver(() => void check());
          observer.observe({ type: 'measure' });
          check();
        }),
      i,
    );
    const after = await scriptSeconds();
    if (i < GRADE_WARMUP) continue;
    gradeWall.push(duration);
    gradeScript.push((after.script - before.script) * 1000);
    gradeTask.push((after.task - before.task) * 1000);
  }
  await cdp.detach();
  const gradeFloor = await page.evaluate(floorGradeWrite, { runs: RUNS });
  rows.push({ measure: 'grade → next card painted (app measure)', value: median(gradeWall), runs: GRADES, floor: median(gradeFloor), target: '—' });
  rows.push({ measure: '  main-thread script per grade (CDP)', value: median(gradeScript), runs: GRADES, floor: null, target: '≤ 16 ms' });
  rows.push({ measure: '  main-thread tasks per grade (CDP)', value: median(gradeTask), runs: GRADES, floor: null, target: '—' });

  // ---- Library ------------------------------------------------------------------------------
  await clickNav(page, 'Today', CONDITIONS.todayReady);
  const counts = questionCounts(OWN_QUESTIONS);
  const totalQuestions = Object.values(counts).reduce((a, b) => a + b, 0);
  await startTrace(page);
  const libraryOpen = await timeInteraction(
    page,
    CONDITIONS.libraryCount(totalQuestions),
    () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click(),
    300_000,
  );
  evidence.push(`Library open reads: ${summariseTrace(await stopTrace(page))}; ${await page.locator('.results li').count()} result rows in the DOM.`);
  const heapLibrary = await heapAfterGc(page);
  const libraryFloor = await page.evaluate(floorGetAll, { store: 'customQuestions', runs: RUNS });
  rows.push({ measure: `Library open (${totalQuestions.toLocaleString('en')} questions listed)`, value: libraryOpen.ms, runs: 1, floor: median(libraryFloor.ms), target: '—' });

  const filterSteps: [string, number][] = [['ml', counts.ml!], ['python', counts.python!], ['llm', counts.llm!], ['', totalQuestions], ['ml', counts.ml!]];
  const filter: number[] = [];
  for (const [value, expected] of filterSteps.slice(0, RUNS)) {
    const t = await timeInteraction(page, CONDITIONS.libraryCount(expected), () => page.getByLabel('Technology').selectOption(value), 300_000);
    filter.push(t.ms);
  }
  rows.push({ measure: 'Library filter change (Technology)', value: median(filter), runs: filter.length, floor: median(libraryFloor.ms), target: '—' });

  const search = page.getByLabel('Search questions');
  await search.click();
  const keystrokes: number[] = [];
  for (let i = 1; i <= TYPED_QUERY.length; i++) {
    const t = await timeInteraction(page, CONDITIONS.searchDone(TYPED_QUERY.slice(0, i)), () => page.keyboard.type(TYPED_QUERY[i - 1]!), 300_000);
    keystrokes.push(t.ms);
  }
  rows.push({ measure: `Library search per keystroke (${totalQuestions.toLocaleString('en')} q.)`, value: median(keystrokes), runs: keystrokes.length, floor: median(libraryFloor.ms), target: '—' });
  rows.push({ measure: '  slowest keystroke', value: Math.max(...keystrokes), runs: 1, floor: median(libraryFloor.ms), target: '—' });
  evidence.push(`Library keystrokes "${TYPED_QUERY}": ${keystrokes.map((k) => Math.round(k)).join(', ')} ms.`);

  // ---- Progress ------------------------------------------------------------------------------
  await clickNav(page, 'Today', CONDITIONS.todayReady);
  const progress: number[] = [];
  let progressTrace: IdbTraceEntry[] = [];
  for (let run = 0; run < RUNS; run++) {
    if (run === 0) await startTrace(page);
    const t = await timeInteraction(page, CONDITIONS.progressReady, () =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress' }).click(),
    );
    progress.push(t.ms);
    if (run === 0) progressTrace = await stopTrace(page);
    if (run < RUNS - 1) await clickNav(page, 'Today', CONDITIONS.todayReady);
  }
  const heapProgress = await heapAfterGc(page);
  const cardsFloor = await page.evaluate(floorGetAll, { store: 'cards', runs: RUNS });
  rows.push({ measure: 'Progress render', value: median(progress), runs: RUNS, floor: median(cardsFloor.ms), target: '≤ 300 ms' });
  evidence.push(`Progress reads: ${summariseTrace(progressTrace)}.`);

  rows.push({ measure: 'JS heap after GC: Today', value: megabytes(heapToday) });
  rows.push({ measure: 'JS heap after GC: Library', value: megabytes(heapLibrary) });
  rows.push({ measure: 'JS heap after GC: Progress', value: megabytes(heapProgress) });

  // ---- Backup export and import (through Settings, as a learner does it) ---------------------
  await clickNav(page, 'Settings', `() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Export backup' && !b.disabled)`);
  const downloadEvent = page.waitForEvent('download', { timeout: 600_000 });
  const exported = await timeInteraction(page, CONDITIONS.backupSaved, () => page.getByRole('button', { name: 'Export backup' }).click(), 600_000);
  const download = await downloadEvent;
  const file = await download.path();
  const size = statSync(file).size;
  rows.push({ measure: 'backup export (click → "Backup saved")', value: exported.ms, runs: 1, floor: null, target: '—' });
  rows.push({ measure: 'backup file size', value: megabytes(size), target: `≤ ${megabytes(MAX_BACKUP_BYTES)} (import limit)` });
  const heapAfterExport = await heapAfterGc(page);
  evidence.push(`Heap after export and GC: ${megabytes(heapAfterExport)}.`);

  const checked = await timeInteraction(page, CONDITIONS.backupPreview, () => page.getByLabel('Import backup').setInputFiles(file), 600_000);
  const refusal = await page.locator('.backup-section [role=alert]').textContent().catch(() => null);
  if (refusal) {
    rows.push({ measure: 'backup import: file checked', value: checked.ms, runs: 1, floor: null, target: '—', note: 'REFUSED' });
    evidence.push(`Import of the bench's own export was refused: ${refusal.trim()}`);
  } else {
    rows.push({ measure: 'backup import: file read + validated', value: checked.ms, runs: 1, floor: null, target: '—' });
    const merged = await timeInteraction(page, CONDITIONS.importDone, () => page.getByRole('button', { name: 'Merge', exact: true }).click(), 900_000);
    const notice = await page.locator('.backup-notice').textContent();
    rows.push({ measure: 'backup import: merge (same collection)', value: merged.ms, runs: 1, floor: null, target: '—' });
    evidence.push(`Merge said: ${notice?.trim()}`);
  }
  await download.delete();
  await page.close();
  await context.close();

  // ---- Search at 10,000 questions: in Chromium, and MiniSearch alone in node -------------------
  const small = await seededProfile(url, {
    questionSource: generatedQuestion.toString(),
    now,
    ownQuestions: SEARCH_QUESTIONS,
    reviews: 0,
    lastReviewAt: now - DAY,
  });
  contexts.push(small.context);
  tempDirs.push(small.dir);
  const smallPage = await small.context.newPage();
  await smallPage.goto(`${url}/library`);
  await smallPage.waitForFunction(() => /^\d+ questions$/.test(document.querySelector('.actions p[role=status]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  // Let the worker finish indexing, as it would while a learner reads the list.
  await smallPage.waitForTimeout(2_000);
  await smallPage.getByLabel('Search questions').click();
  const smallKeys: number[] = [];
  for (let i = 1; i <= TYPED_QUERY.length; i++) {
    const t = await timeInteraction(smallPage, CONDITIONS.searchDone(TYPED_QUERY.slice(0, i)), () => smallPage.keyboard.type(TYPED_QUERY[i - 1]!), 300_000);
    smallKeys.push(t.ms);
  }
  const smallFloor = await smallPage.evaluate(floorGetAll, { store: 'customQuestions', runs: RUNS });
  rows.push({ measure: `search per keystroke, ${SEARCH_QUESTIONS.toLocaleString('en')} q. (Chromium Library)`, value: median(smallKeys), runs: smallKeys.length, floor: median(smallFloor.ms), target: '≤ 50 ms' });
  rows.push({ measure: '  slowest keystroke', value: Math.max(...smallKeys), runs: 1, floor: median(smallFloor.ms), target: '≤ 50 ms' });
  evidence.push(`10k-question Library keystrokes "${TYPED_QUERY}": ${smallKeys.map((k) => Math.round(k)).join(', ')} ms.`);
  await small.context.close();

  const node10k = measureSearchInNode(SEARCH_QUESTIONS, NODE_QUERIES, now);
  rows.push({ measure: `search per keystroke, ${SEARCH_QUESTIONS.toLocaleString('en')} q. (node, MiniSearch only)`, value: node10k.perKeystrokeMs, runs: node10k.keystrokes, floor: node10k.scanFloorMs, target: '≤ 50 ms' });
  rows.push({ measure: '  slowest keystroke (node)', value: node10k.worstKeystrokeMs, runs: 1, floor: node10k.scanFloorMs, target: '≤ 50 ms' });
  rows.push({ measure: `search index build, ${SEARCH_QUESTIONS.toLocaleString('en')} q. (node)`, value: node10k.buildMs, runs: 1, floor: null, target: '—' });
  const nodeBig = measureSearchInNode(OWN_QUESTIONS + BANK_QUESTIONS, NODE_QUERIES.slice(0, 1), now);
  rows.push({ measure: `search index build, ${(OWN_QUESTIONS + BANK_QUESTIONS).toLocaleString('en')} q. (node)`, value: nodeBig.buildMs, runs: 1, floor: null, target: '—' });
  rows.push({ measure: `search per keystroke, ${(OWN_QUESTIONS + BANK_QUESTIONS).toLocaleString('en')} q. (node)`, value: nodeBig.perKeystrokeMs, runs: nodeBig.keystrokes, floor: nodeBig.scanFloorMs, target: '—' });

  console.log(
    [
      '',
      `Rehearse bench: ${TOTAL_CARDS.toLocaleString('en')} cards, ${TOTAL_REVIEWS.toLocaleString('en')} reviews (medians of ${RUNS} unless n says otherwise)`,
      machineLine(chromium),
      '',
      renderTable(rows),
      '',
      'Floors: cold start = blank same-origin document + raw indexedDB.open; queue = raw getAll of the same [bucket+due] ranges and today\'s reviews;',
      'grade = one strict read-write transaction putting a review and a card; Library = raw getAll of customQuestions; Progress = raw getAll of cards;',
      'node search = lowercase substring scan. Times run from the input event to the next frame after the DOM shows the result.',
      '',
      ...evidence.map((line) => `- ${line}`),
      `- Whole bench: ${((Date.now() - benchStart) / 1000).toFixed(0)} s.`,
      '',
    ].join('\n'),
  );
});
