import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readReviewLog, useServedBuild } from './browser.ts';
import { databaseDigest, fillStorage, freeStorage, noRawErrors, openDevice, refused, RAW } from './quota.ts';
// @ts-expect-error: a plain Node script without type declarations
import { startSyncServer } from '../../src/server/sync-server.mjs';

/**
 * Issue 13 item 5 for sync: with the storage full, connecting and disconnecting say what was not
 * saved, a change from another device that cannot be stored is named in the sync status, and
 * nothing escapes to the window; with space again, the change arrives and both actions work.
 */
let couch: { url: string; stop(): Promise<void> };
const USER = { user: 'ann', password: 'ann-secret' };
beforeAll(async () => {
  couch = await startSyncServer({ users: [USER] });
});
afterAll(() => couch?.stop());
const served = useServedBuild(() => ({ '/couchdb': couch.url }));

async function connect(page: Page): Promise<void> {
  await page.goto(`${served.url()}/settings`);
  await page.getByLabel('Server URL').fill(`${served.url()}/couchdb`);
  await page.getByLabel('User name').fill(USER.user);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Connect' }).click();
}

const upToDate = (page: Page) => page.getByText('Sync status: Up to date').waitFor({ timeout: 60_000 });

async function gradeOne(page: Page): Promise<void> {
  await page.goto(`${served.url()}/review`);
  await page.getByRole('button', { name: 'Show answer' }).click();
  const before = (await readReviewLog(page)).length;
  await page.getByRole('button', { name: /^Good · / }).click();
  await expect.poll(async () => (await readReviewLog(page)).length, { timeout: 20_000 }).toBe(before + 1);
}

describe('sync with the storage full (issue 13 item 5)', () => {
  it('disconnect, connect and a change from another device: named, nothing changed, nothing uncaught; with space the change arrives', async () => {
    const a = await openDevice(served);
    await gradeOne(a.page);
    await connect(a.page);
    await upToDate(a.page);
    const b = await openDevice(served);
    await connect(b.page);
    await upToDate(b.page);
    const c = await openDevice(served, '/settings');

    await a.page.goto(`${served.url()}/settings`);
    await upToDate(a.page);
    const before = await databaseDigest(a.page);
    await fillStorage(a);
    await a.page.getByRole('button', { name: 'Disconnect' }).click();
    await refused(a.page, /^Disconnecting could not be saved/);
    // Still connected, as stored.
    await a.page.getByRole('button', { name: 'Sync now' }).waitFor();

    // Another device's grade reaches the server; this device cannot store it, and says so.
    await gradeOne(b.page);
    await b.page.goto(`${served.url()}/settings`);
    await upToDate(b.page);
    await a.page.getByRole('button', { name: 'Sync now' }).click();
    const status = a.page.getByText(/^Sync status: /);
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/storage is full/);
    // After the status's own label ("Error:"), plain words only.
    expect((await status.textContent())!.replace(/^Sync status: Error: /, '')).not.toMatch(RAW);
    await noRawErrors(a.page);
    expect(await databaseDigest(a.page)).toEqual(before);
    expect(await a.uncaught()).toEqual([]);

    // A device that was never connected cannot record the account.
    await fillStorage(c);
    await connect(c.page);
    await refused(c.page, /^Connecting to sync could not be saved/);
    await c.page.getByRole('button', { name: 'Connect' }).waitFor();
    await noRawErrors(c.page);
    expect(await c.uncaught()).toEqual([]);

    // With space again: the other device's grade arrives, and disconnecting and connecting work.
    await freeStorage(a);
    await a.page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(async () => `${(await readReviewLog(a.page)).length} ${await status.textContent()}`, { timeout: 60_000 }).toMatch(/^2 /);
    await a.page.getByRole('button', { name: 'Disconnect' }).click();
    await a.page.getByRole('button', { name: 'Connect' }).waitFor();
    await freeStorage(c);
    await c.page.getByLabel('Password').fill(USER.password);
    await c.page.getByRole('button', { name: 'Connect' }).click();
    await upToDate(c.page);
    expect(await a.uncaught()).toEqual([]);
    expect(await c.uncaught()).toEqual([]);
    for (const device of [a, b, c]) await device.context.close();
  });
});
