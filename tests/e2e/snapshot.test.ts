import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { chromePath, forbidOtherOrigins, gradeFirstCardGood, readReviewLog, snapshotFiles, useServedBuild } from './browser.ts';

const served = useServedBuild();

/** What a wiped database looks like to the app: the main database deleted (the app's connection steps aside). Returns the databases left. */
async function deleteMainDatabase(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('rehearse');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    return (await indexedDB.databases()).map((d) => d.name ?? '').sort();
  });
}

describe('the automatic snapshot in Chromium', () => {
  it('after a grade the snapshot is kept; with the main database deleted, Today offers it and restoring brings the review back', async () => {
    const context = await served.browser().newContext({ serviceWorkers: 'block' });
    const offenders: string[] = [];
    forbidOtherOrigins(context, served.url(), offenders);
    const page = await context.newPage();
    await page.goto(served.url());
    await gradeFirstCardGood(page);
    const log = await readReviewLog(page);
    expect(log).toHaveLength(1);

    // Leaving the review screen lets the daily snapshot be made; Settings shows it.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(/^Automatic snapshot: .+, 1 review\.$/).waitFor({ timeout: 30_000 });

    // Chromium offers the Origin Private File System: the snapshot is a file there, not a database.
    // Only the note of running pages (src/db/unclean-exit.ts) is left in IndexedDB: the snapshot is not there.
    expect(await deleteMainDatabase(page)).toEqual(['rehearse-running']);
    expect((await snapshotFiles(page)).map((f) => f.name)).toEqual(['rehearse.snapshot']);
    // The next launch, at Today.
    await page.goto(served.url());
    const restore = page.getByRole('button', { name: /^Restore the automatic snapshot from .+ \(1 review\)$/ });
    await restore.waitFor({ timeout: 30_000 });
    await restore.click();
    await page.getByText(/^Restored the automatic snapshot from .+: 1 review and \d+ cards are back\.$/).waitFor({ timeout: 30_000 });
    expect(await page.getByText(/Your reviews on this device are gone/).count()).toBe(0);
    expect(await readReviewLog(page)).toEqual(log);

    // The next launch finds the review where it belongs: no alert.
    await page.reload();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByText('Last backup', { exact: false }).or(page.getByText('No backup yet')).first().waitFor();
    expect(await page.getByText(/Your reviews on this device are gone/).count()).toBe(0);
    expect(offenders).toEqual([]);
    await context.close();
  });

  it('survives Chromium finding its IndexedDB store corrupt and starting it afresh (which empties every database of the site)', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'rehearse-snapshot-profile-'));
    const launch = () =>
      chromium.launchPersistentContext(profile, {
        executablePath: chromePath(),
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
        serviceWorkers: 'block',
      });
    try {
      let context = await launch();
      let page = context.pages()[0] ?? (await context.newPage());
      await page.goto(served.url());
      await gradeFirstCardGood(page);
      const log = await readReviewLog(page);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByText(/^Automatic snapshot: .+, 1 review\.$/).waitFor({ timeout: 30_000 });
      await context.close();

      // Damage the site's IndexedDB files (LevelDB) while the browser is closed.
      const idb = join(profile, 'Default', 'IndexedDB');
      const stores = readdirSync(idb).filter((name) => name.endsWith('.indexeddb.leveldb') && statSync(join(idb, name)).isDirectory());
      expect(stores).toHaveLength(1);
      for (const file of readdirSync(join(idb, stores[0]!)).filter((name) => /\.(log|ldb)$/.test(name))) {
        const bytes = readFileSync(join(idb, stores[0]!, file));
        for (let i = 0; i < bytes.length; i += 13) bytes[i]! ^= 0xff;
        writeFileSync(join(idb, stores[0]!, file), bytes);
      }

      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(served.url());
      const restore = page.getByRole('button', { name: /^Restore the automatic snapshot from .+ \(1 review\)$/ });
      await restore.waitFor({ timeout: 30_000 });
      expect(await readReviewLog(page)).toEqual([]);
      await restore.click();
      await page.getByText(/^Restored the automatic snapshot from .+: 1 review and \d+ cards are back\.$/).waitFor({ timeout: 30_000 });
      expect(await readReviewLog(page)).toEqual(log);
      await context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
