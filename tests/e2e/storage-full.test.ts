import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { addOwnQuestion, gradeFirstCardGood, readReviewLog, snapshotFiles, useServedBuild } from './browser.ts';
import { bankIds, studiedBackup } from './history.ts';
import { databaseDigest, fillStorage, freeStorage, noRawErrors, openDevice as openQuotaDevice, refused, snapshotKept } from './quota.ts';
import type { Backup } from '../../src/core/backup/backup-format.ts';
import { serializeBackup } from '../../src/core/backup/write-backup.ts';
import { DEFAULT_PARAMETERS } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';

/**
 * Issue 13 item 5, proven in Chromium: with the origin's storage really full (the quota lowered
 * below what is stored, through the DevTools protocol), every write a learner can make says what
 * was not saved and why, changes nothing, and lets no error escape to the window; with space
 * again, the same action succeeds.
 */
const served = useServedBuild();
const openDevice = (path?: string) => openQuotaDevice(served, path);
const SLOW = 45_000;
const DAY = 86_400_000;

/** YYYY-MM-DD in the browser's (and this process's) time zone. */
function dateKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The snapshot file's size and time: a refused write must not have touched it either. */
async function snapshotStamp(page: Page): Promise<string> {
  const file = (await snapshotFiles(page)).find((f) => f.name === 'rehearse.snapshot')!;
  return `${file.size} bytes, ${file.lastModified}`;
}

/**
 * Two months of reviews on 15 questions by a learner who recalls 70 % of due cards, graded by
 * the real scheduler; personal parameters and an interview date in its settings.
 */
function historyBackup(): Backup {
  const now = Date.now();
  return studiedBackup({
    questionIds: bankIds(['python']).slice(0, 15),
    days: 60,
    now,
    spreadDays: 10,
    seed: 7,
    recalls: (_memory, _at, random) => random() < 0.7,
    settings: { ...DEFAULT_SETTINGS, fsrsParameters: [...DEFAULT_PARAMETERS], interviewDate: dateKey(now + 20 * DAY) },
  });
}

const heading = (page: Page): Locator => page.getByRole('heading', { level: 1 });

describe('with the storage full, every write a learner can make says what was not saved, changes nothing, and succeeds once there is space (issue 13 item 5)', () => {
  it('review: grade, undo, flag, bury, suspend and a note', async () => {
    const device = await openDevice();
    const { page } = device;
    await gradeFirstCardGood(page);
    const prompt = (await heading(page).textContent())!;
    await page.getByRole('button', { name: 'Show answer' }).click();
    const before = await databaseDigest(page);
    await fillStorage(device);

    await page.getByRole('button', { name: /^Good · / }).click();
    await refused(page, /^This grade could not be saved/);
    // Still the same card, answer open: the grade can be given again.
    expect(await heading(page).textContent()).toBe(prompt);
    await page.getByRole('button', { name: /^Good · / }).waitFor();

    await page.getByRole('button', { name: 'Undo' }).click();
    await refused(page, /^Undoing your last grade could not be saved/);
    expect(await heading(page).textContent()).toBe(prompt);

    await page.getByRole('button', { name: 'Flag', exact: true }).click();
    await refused(page, /^The flag could not be saved/);
    expect(await page.getByRole('button', { name: 'Flag', exact: true }).getAttribute('aria-pressed')).toBe('false');

    await page.getByRole('button', { name: 'Bury until tomorrow' }).click();
    await refused(page, /^Burying this card could not be saved/);
    await page.getByRole('button', { name: 'Suspend' }).click();
    await refused(page, /^Suspending this card could not be saved/);
    expect(await heading(page).textContent()).toBe(prompt);

    await page.getByRole('button', { name: 'Note' }).click();
    await page.getByLabel('Your note on this question').fill('Remember the edge case.');
    await page.getByLabel('Your note on this question').blur();
    await refused(page, /^Your note could not be saved/);
    await page.getByText('The note could not be saved.').waitFor();

    await noRawErrors(page);
    expect(await databaseDigest(page)).toEqual(before);
    expect(await device.uncaught()).toEqual([]);

    // With space again, after a reload: the old state, and the grade goes through.
    await freeStorage(device);
    await page.reload();
    await page.getByRole('button', { name: 'Show answer' }).click();
    expect(await databaseDigest(page)).toEqual(before);
    await page.getByRole('button', { name: /^Good · / }).click();
    await page.getByText(/^1 of /).waitFor();
    expect(await readReviewLog(page)).toHaveLength(2);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText(/^0 of /).waitFor();
    expect(await readReviewLog(page)).toHaveLength(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await device.uncaught()).toEqual([]);
    await device.context.close();
  });

  it('library and progress: flag, suspend, note, reset, add, edit and delete an own question, the interview date', async () => {
    const device = await openDevice('/library/new');
    const { page } = device;
    await addOwnQuestion(page, { title: 'What does a full disk refuse?', answer: 'It refuses the write, and the app says so.', topic: 'Storage' });
    await heading(page).filter({ hasText: 'What does a full disk refuse?' }).waitFor();
    const questionUrl = page.url();
    // Studied once, so Reset has something to reset.
    await page.getByRole('link', { name: 'Study it now' }).click();
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.getByRole('button', { name: /^Good · / }).click();
    // Stored once the next card (or the summary) shows.
    await page.getByRole('button', { name: 'Show answer' }).or(page.getByRole('heading', { name: 'Session complete' })).waitFor();
    await page.goto(questionUrl);
    await page.getByRole('cell', { name: 'Good' }).waitFor();
    // The launch makes the day's automatic snapshot: kept before the storage fills.
    await snapshotKept(page);
    const before = await databaseDigest(page);
    await fillStorage(device);

    await page.getByRole('button', { name: 'Flag', exact: true }).click();
    await refused(page, /^The flag could not be saved/);
    expect(await page.getByRole('button', { name: 'Flag', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await page.getByRole('button', { name: 'Suspend' }).click();
    await refused(page, /^Suspending this question could not be saved/);
    await page.getByRole('button', { name: 'Suspend' }).waitFor();
    await page.getByRole('textbox', { name: 'Your note' }).fill('Full disks refuse quietly.');
    await refused(page, /^Your note could not be saved/);
    await page.getByText('The note could not be saved.').waitFor();
    await page.getByRole('button', { name: 'Reset progress' }).click();
    await page.getByRole('button', { name: 'Confirm reset' }).click();
    await refused(page, /^The reset could not be saved/);
    expect(await page.getByText('Progress reset: the cards are new again.').count()).toBe(0);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await refused(page, /^Deleting the question could not be saved/);
    expect(page.url()).toBe(questionUrl);

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.getByLabel('Question', { exact: true }).inputValue(), { timeout: SLOW }).toBe('What does a full disk refuse?');
    await page.getByLabel('Question', { exact: true }).fill('An edited title that is not saved');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await refused(page, /^Your question could not be saved/);
    expect(await page.getByLabel('Question', { exact: true }).inputValue()).toBe('An edited title that is not saved');

    await page.goto(`${served.url()}/library/new`);
    await addOwnQuestion(page, { title: 'A question typed on a full disk', answer: 'It refuses the write, and the app says so.', topic: 'Storage' });
    await refused(page, /^Your question could not be saved/);
    expect(await page.getByLabel('Question', { exact: true }).inputValue()).toBe('A question typed on a full disk');

    await page.getByRole('link', { name: 'Progress' }).click();
    await page.getByLabel('Interview date').fill(dateKey(Date.now() + 20 * DAY));
    await page.getByRole('button', { name: 'Save date' }).click();
    await refused(page, /^The interview date could not be saved/);

    await noRawErrors(page);
    expect(await databaseDigest(page)).toEqual(before);
    expect(await device.uncaught()).toEqual([]);

    // With space again, after a reload: the question as it was, and flagging it works.
    await freeStorage(device);
    await page.goto(questionUrl);
    await heading(page).filter({ hasText: 'What does a full disk refuse?' }).waitFor();
    expect(await databaseDigest(page)).toEqual(before);
    expect(await page.getByRole('textbox', { name: 'Your note' }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Flag', exact: true }).click();
    await page.getByRole('button', { name: 'Unflag' }).waitFor();
    await page.getByRole('textbox', { name: 'Your note' }).fill('Full disks refuse quietly.');
    await page.getByText('Note saved.').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await device.uncaught()).toEqual([]);
    await device.context.close();
  });

  it('settings: the form, the theme, the retention helper, the optimiser, export, merge, replace, undo replace and snapshot restore', async () => {
    const device = await openDevice('/settings');
    const { page } = device;
    const file = { name: 'history.json', mimeType: 'application/json', buffer: Buffer.from(serializeBackup(historyBackup()).join('')) };
    await page.getByLabel('Import backup').setInputFiles(file);
    await page.getByRole('button', { name: 'Replace…' }).click();
    await page.getByRole('button', { name: 'Replace everything' }).click();
    await page.getByText(/^This device now holds the backup/).waitFor();
    await page.reload();
    await page.getByText(/^Automatic snapshot: /).waitFor();
    await snapshotKept(page);
    await page.getByRole('button', { name: 'Undo replace' }).waitFor();
    await page.getByRole('button', { name: 'Compare retentions' }).click();
    const useRetention = page.getByRole('button', { name: /^Use \d+\s?%$/ });
    await useRetention.waitFor();
    const before = await databaseDigest(page);
    const snapshot = await snapshotStamp(page);
    await fillStorage(device);

    const perDay = page.getByRole('spinbutton', { name: 'New cards per day' });
    await perDay.fill('7');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await refused(page, /^Your settings could not be saved/);
    expect(await perDay.inputValue()).toBe('7');
    expect(await page.getByText(/^Settings saved/).count()).toBe(0);

    // A controlled radio: it stays on what is stored.
    await page.getByRole('radio', { name: 'dark' }).click();
    await refused(page, /^The theme could not be saved/);
    expect(await page.getByRole('radio', { name: 'system' }).isChecked()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.theme ?? null)).toBeNull();
    await perDay.fill(String(DEFAULT_SETTINGS.newPerDay));

    await useRetention.click();
    await refused(page, /^The desired retention could not be saved/);

    const parameters = page.getByRole('region', { name: 'Personal parameters' });
    await parameters.getByRole('button', { name: 'Optimise parameters' }).click();
    await refused(page, /^The optimised parameters could not be saved/);
    await parameters.getByRole('button', { name: 'Reset to default parameters' }).click();
    await refused(page, /^Going back to the default parameters could not be saved/);

    // Export: the file is made; only the time of the backup cannot be recorded, and it says so.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export backup' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^rehearse-backup-/);
    const exported = await page.getByRole('alert').filter({ hasText: /time of this backup could not be recorded/ }).textContent();
    expect(exported).toMatch(/storage is full/);

    for (const mode of ['Merge', 'Replace'] as const) {
      await page.getByLabel('Import backup').setInputFiles(file);
      if (mode === 'Merge') await page.getByRole('button', { name: 'Merge' }).click();
      else {
        await page.getByRole('button', { name: 'Replace…' }).click();
        await page.getByRole('button', { name: 'Replace everything' }).click();
      }
      await refused(page, /refused to store the imported data/);
    }
    await page.getByRole('button', { name: 'Undo replace' }).click();
    await refused(page, /refused to store your earlier data/);
    // Restoring the snapshot: the same preview and Replace as a file.
    await page.getByRole('button', { name: 'Restore snapshot' }).click();
    await page.getByRole('heading', { name: /^What the automatic snapshot from .+ holds$/ }).waitFor();
    await page.getByRole('button', { name: 'Replace…' }).click();
    await page.getByRole('button', { name: 'Replace everything' }).click();
    await refused(page, /refused to store the imported data/);

    await noRawErrors(page);
    expect(await databaseDigest(page)).toEqual(before);
    expect(await snapshotStamp(page)).toBe(snapshot);
    expect(await device.uncaught()).toEqual([]);

    // With space again, after a reload: the settings as they were, and saving works.
    await freeStorage(device);
    await page.reload();
    await page.getByRole('button', { name: 'Undo replace' }).waitFor();
    expect(await databaseDigest(page)).toEqual(before);
    expect(await perDay.inputValue()).toBe(String(DEFAULT_SETTINGS.newPerDay));
    await perDay.fill('7');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Settings saved/).waitFor();
    await page.getByRole('radio', { name: 'dark' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.reload();
    await expect.poll(() => perDay.inputValue(), { timeout: SLOW }).toBe('7');
    expect(await page.getByRole('radio', { name: 'dark' }).isChecked()).toBe(true);
    expect(await device.uncaught()).toEqual([]);
    await device.context.close();
  });
});
