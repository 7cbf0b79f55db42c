import { describe, expect, it } from 'vitest';
import { gradeFirstCardGood, readReviewLog, snapshotFiles, useServedBuild } from './browser.ts';
import { bankIds } from './history.ts';
import { databaseDigest, fillStorage, freeStorage, openDevice as openQuotaDevice, refused, snapshotKept } from './quota.ts';

/**
 * Issue 13 item 5 beyond the screens of storage-full.test.ts (kept apart so each file stays
 * short): an undo on the session summary and the restore Today offers after a wipe, refused by
 * a really full origin, say so where the learner is, change nothing, and work with space again.
 */
const served = useServedBuild();
const openDevice = (path?: string) => openQuotaDevice(served, path);

describe('with the storage full, the session summary and Today say what was not saved (issue 13 item 5)', () => {
  it('review: an undo refused on the session summary says so there', async () => {
    const id = bankIds(['python'])[0]!;
    const device = await openDevice(`/review?question=${id}&ahead=1`);
    const { page } = device;
    // The question's cards graded Easy: the session ends on its summary.
    const done = page.getByRole('heading', { name: 'Session complete' });
    const show = page.getByRole('button', { name: 'Show answer' });
    for (;;) {
      await show.or(done).first().waitFor();
      if (!(await show.isVisible())) break;
      await show.click();
      await page.getByRole('button', { name: /^Easy · / }).click();
      await page.getByRole('button', { name: /^Easy · / }).waitFor({ state: 'detached' });
    }
    await done.waitFor();
    const graded = (await readReviewLog(page)).length;
    const before = await databaseDigest(page);
    await fillStorage(device);
    await page.getByRole('button', { name: 'Undo' }).click();
    await refused(page, /^Undoing your last grade could not be saved/);
    await page.getByRole('heading', { name: 'Session complete' }).waitFor();
    expect(await databaseDigest(page)).toEqual(before);
    expect(await device.uncaught()).toEqual([]);
    await freeStorage(device);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: /^Easy · / }).waitFor();
    expect(await readReviewLog(page)).toHaveLength(graded - 1);
    expect(await device.uncaught()).toEqual([]);
    await device.context.close();
  });

  it('today: restoring the automatic snapshot after a wipe, refused, says so beside the button', async () => {
    const device = await openDevice();
    const { page } = device;
    await gradeFirstCardGood(page);
    await page.getByRole('link', { name: 'Today' }).click();
    await snapshotKept(page);
    // The main database gone, as after a wipe; the next launch offers the snapshot.
    await page.evaluate(() => new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase('rehearse');
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
    }));
    await page.goto(served.url());
    const restore = page.getByRole('button', { name: /^Restore the automatic snapshot from / });
    await restore.waitFor().catch(async (error: Error) => {
      // Name what Today showed instead.
      const opfs = await snapshotFiles(page)
        .then((files) => files.map((f) => `${f.name} (${f.size} bytes)`).join(', ') || 'an empty snapshot folder')
        .catch((e: Error) => `no snapshot folder: ${e.message}`);
      throw new Error(`${error.message}\nOn screen: ${await page.locator('main').innerText()}\nOrigin Private File System: ${opfs}`);
    });
    const before = await databaseDigest(page);
    await fillStorage(device);
    await restore.click();
    await refused(page, /refused to store the imported data/);
    expect(await databaseDigest(page)).toEqual(before);
    expect(await device.uncaught()).toEqual([]);
    await freeStorage(device);
    await restore.click();
    await page.getByText(/^Restored the automatic snapshot from .+: 1 review and \d+ cards are back\.$/).waitFor();
    expect(await readReviewLog(page)).toHaveLength(1);
    expect(await device.uncaught()).toEqual([]);
    await device.context.close();
  });
});
