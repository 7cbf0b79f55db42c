/**
 * The long crash run behind issue 13 item 4: `npm run faults:kill -- <runs>` (default 50).
 *
 * Per run, on a copy of a seeded profile: open the app, start a Merge of a big backup
 * (KILL_IMPORT_REVIEWS, default 150,000 reviews), SIGKILL the browser process KILL_DELAY_MIN..MAX ms
 * (default 100–1500, spread over the runs) after the click, launch again on the same profile and
 * close it as soon as Today shows, then launch a third time and count what is stored.
 * A wipe: fewer reviews than before the import. A partial import: neither the count before nor
 * the count after a full merge. KILL_TREE=1 kills the browser's children in the same instant.
 * Wiped profiles are kept in the temp folder for inspection (their paths are printed).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { serveBuild } from '../e2e/browser.ts';
import { backupFile, indexedDbFiles, killBrowser, mergeToEnd, openProfile, previewImport, storedCounts, waitForToday } from './kill.ts';

const RUNS = Number(process.env.KILL_RUNS ?? 50);
const IMPORT_REVIEWS = Number(process.env.KILL_IMPORT_REVIEWS ?? 150_000);
const SEED_REVIEWS = Number(process.env.KILL_SEED_REVIEWS ?? 5_000);
const DELAY_MIN = Number(process.env.KILL_DELAY_MIN ?? 100);
const DELAY_MAX = Number(process.env.KILL_DELAY_MAX ?? 1500);
const TREE = process.env.KILL_TREE === '1';
/** KILL_GROWTH_MB: kill when the IndexedDB files grew by 5–100 % of this many MB since the click (instead of a delay). */
const GROWTH_MAX = Number(process.env.KILL_GROWTH_MB ?? 0) * 1e6;
const sizeOf = (files: Record<string, number>) => Object.values(files).reduce((a, b) => a + b, 0);

const lostAlert = /Your reviews on this device are gone/;

it(`kills the browser during a ${IMPORT_REVIEWS}-review merge ${RUNS} times and finds no database wiped`, async () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'rehearse-kill-'));
  const { url, server } = await serveBuild();
  const seedFile = backupFile(work, SEED_REVIEWS, 'seed');
  const bigFile = backupFile(work, IMPORT_REVIEWS, 'big');
  console.log(`backups made in ${((Date.now() - started) / 1000).toFixed(0)} s; served at ${url}`);

  // The template: the app opened once and a small collection merged, then closed normally.
  const template = join(work, 'template');
  let context = await openProfile(template);
  let page = await context.newPage();
  await page.goto(url);
  await waitForToday(page);
  await mergeToEnd(page, seedFile);
  const before = (await storedCounts(page))!;
  await context.close();
  const full = before.reviews + IMPORT_REVIEWS;
  console.log(`template: ${before.reviews} reviews, ${before.cards} cards; a full merge makes ${full} reviews`);

  const tally = { runs: 0, kills: 0, wipes: 0, partial: 0, complete: 0, untouched: 0, alerts: 0, corruptionInfo: 0 };
  const wiped: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const runStarted = Date.now();
    const steps: string[] = [];
    let mark = Date.now();
    const step = (name: string) => {
      steps.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)}`);
      mark = Date.now();
    };
    const dir = join(work, `run-${run}`);
    cpSync(template, dir, { recursive: true });
    const delay = DELAY_MIN + Math.round(((run * 0.6180339887) % 1) * (DELAY_MAX - DELAY_MIN));
    context = await openProfile(dir, `${dir}-1-import.log`);
    page = await context.newPage();
    await page.goto(url);
    await waitForToday(page);
    step('open');
    await previewImport(page, bigFile);
    step('preview');
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    if (process.env.KILL_PROBE) {
      // Timeline of the import on disk, no kill: when the IndexedDB files grow, when "Merged" shows.
      const clicked = Date.now();
      let last = 0;
      for (;;) {
        const files = indexedDbFiles(dir);
        const total = Object.values(files).reduce((a, b) => a + b, 0);
        const done = await page.locator('.backup-notice').filter({ hasText: /^Merged/ }).count();
        if (total !== last || done) console.log(`  +${Date.now() - clicked} ms: ${total} bytes in ${Object.keys(files).length} files${done ? ' MERGED' : ''}`);
        last = total;
        if (done) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (GROWTH_MAX) {
      // Kill once the IndexedDB files have grown by a chosen amount: inside the import's writes.
      const target = Math.round(GROWTH_MAX * (0.05 + 0.95 * ((run * 0.6180339887) % 1)));
      const base = sizeOf(indexedDbFiles(dir));
      const since = Date.now();
      while (sizeOf(indexedDbFiles(dir)) - base < target && Date.now() - since < 600_000) await new Promise((r) => setTimeout(r, 20));
      steps.push(`grew ${(target / 1e6).toFixed(1)} MB`);
    } else {
      await new Promise((r) => setTimeout(r, delay)); // the fault injection: a chosen moment, not a wait
    }
    await killBrowser(dir, TREE);
    await context.close().catch(() => undefined);
    tally.kills++;
    step('kill');
    const afterKill = indexedDbFiles(dir);

    // Relaunch, and close as soon as Today shows.
    context = await openProfile(dir, `${dir}-2-relaunch.log`);
    page = await context.newPage();
    await page.goto(url);
    // Taking back a half-written 150k-review import can take minutes on a loaded machine.
    await waitForToday(page, 900_000);
    const alertFirst = lostAlert.test((await page.locator('main').textContent()) ?? '');
    step('relaunch');
    await context.close();
    step('close');
    const afterFirst = indexedDbFiles(dir);
    const corrupt = Object.keys(afterFirst).some((f) => /corruption/i.test(f));

    // Launch again and count.
    context = await openProfile(dir, `${dir}-3-count.log`);
    page = await context.newPage();
    await page.goto(url);
    await waitForToday(page);
    const alertSecond = lostAlert.test((await page.locator('main').textContent()) ?? '');
    const now = await storedCounts(page);
    step('count');
    await context.close();

    const reviews = now?.reviews ?? -1;
    const outcome = reviews < before.reviews ? 'WIPED' : reviews === before.reviews ? 'untouched' : reviews === full ? 'complete' : 'PARTIAL';
    tally.runs++;
    if (outcome === 'WIPED') tally.wipes++;
    if (outcome === 'PARTIAL') tally.partial++;
    if (outcome === 'complete') tally.complete++;
    if (outcome === 'untouched') tally.untouched++;
    if (alertFirst || alertSecond) tally.alerts++;
    if (corrupt) tally.corruptionInfo++;
    console.log(
      `run ${run + 1}/${RUNS}: kill at ${delay} ms → ${outcome} (${reviews} reviews, db v${now?.version ?? '-'}, ${now?.stores ?? 0} stores)` +
        `${alertFirst ? ', lost-alert on relaunch' : ''}${alertSecond ? ', lost-alert on 3rd launch' : ''}${corrupt ? ', corruption_info present' : ''}` +
        ` [${((Date.now() - runStarted) / 1000).toFixed(0)} s: ${steps.join(', ')}]`,
    );
    if (outcome === 'WIPED' || outcome === 'PARTIAL' || corrupt) {
      wiped.push(dir);
      console.log(`  files after kill: ${JSON.stringify(afterKill)}\n  files after relaunch: ${JSON.stringify(afterFirst)}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
      for (const log of ['1-import', '2-relaunch', '3-count']) rmSync(`${dir}-${log}.log`, { force: true });
    }
  }
  await server.close();
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(
    [
      '',
      `| runs | kills | wipes | partial imports | imports complete | imports absent | lost-reviews alerts | corruption_info | time |`,
      `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      `| ${tally.runs} | ${tally.kills} | ${tally.wipes} | ${tally.partial} | ${tally.complete} | ${tally.untouched} | ${tally.alerts} | ${tally.corruptionInfo} | ${minutes} min |`,
      '',
      `import ${IMPORT_REVIEWS} reviews onto ${before.reviews}; kill ${GROWTH_MAX ? `when the IndexedDB files grew 5–100 % of ${GROWTH_MAX / 1e6} MB` : `${DELAY_MIN}–${DELAY_MAX} ms`} after Merge${TREE ? ' (whole process tree)' : ' (browser process)'}`,
      wiped.length ? `kept for inspection: ${wiped.join(' ')}` : `work folder: ${work}`,
    ].join('\n'),
  );
  if (!wiped.length) rmSync(work, { recursive: true, force: true });
  if (tally.wipes || tally.partial) throw new Error(`${tally.wipes} wipe(s), ${tally.partial} partial import(s) in ${tally.runs} runs`);
}, 24 * 3_600_000);
