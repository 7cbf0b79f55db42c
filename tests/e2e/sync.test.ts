import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { memoryOf, readReviewLog, readStore, useServedBuild } from './browser.ts';
import { replay } from '../../src/core/scheduling/fsrs.ts';
import type { CardRow, ReviewRow } from '../../src/db/database.ts';
// @ts-expect-error: a plain Node script without type declarations
import { startSyncServer, databaseFor } from '../../src/server/sync-server.mjs';

let couch: { url: string; admin: string; stop(): Promise<void> };
const USERS = [
  { user: 'ann', password: 'ann-secret' },
  { user: 'eve', password: 'eve-secret' },
];

beforeAll(async () => {
  couch = await startSyncServer({ users: USERS });
});
afterAll(() => couch?.stop());
// The page reaches CouchDB through a path of its own origin (the app's CSP allows no other),
// as a production deployment behind a reverse proxy does.
const served = useServedBuild(() => ({ '/couchdb': couch.url }));
const serverUrl = () => `${served.url()}/couchdb`;

/** Documents in a learner's server database whose id starts with `prefix` (read as the admin). */
async function serverDocs(user: string, prefix: string): Promise<{ id: string }[]> {
  const response = await fetch(`${couch.url}/${databaseFor(user)}/_all_docs`, {
    headers: { Authorization: `Basic ${Buffer.from(couch.admin).toString('base64')}` },
  });
  const body = (await response.json()) as { rows: { id: string }[] };
  return body.rows.filter((r) => r.id.startsWith(prefix));
}

async function device(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await served.browser().newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(served.url());
  await page.getByRole('heading', { name: 'Today' }).waitFor();
  return { context, page };
}

async function connect(page: Page, user: string, password: string): Promise<void> {
  await page.goto(`${served.url()}/settings`);
  await page.getByLabel('Server URL').fill(serverUrl());
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Connect' }).click();
}

async function waitUpToDate(page: Page): Promise<void> {
  await page.getByText('Sync status: Up to date').waitFor({ timeout: 60_000 });
}

/** Grades the next card; offline the page must already be on Review (no page loads without the network). */
async function gradeOne(page: Page, name: RegExp, open = true): Promise<string> {
  if (open) await page.goto(`${served.url()}/review`);
  await page.getByRole('button', { name: 'Show answer' }).click();
  const before = (await readReviewLog(page)).length;
  await page.getByRole('button', { name }).click();
  await expect.poll(async () => (await readReviewLog(page)).length, { timeout: 20_000 }).toBe(before + 1);
  const log = await readReviewLog(page);
  return log.sort((a, b) => b.reviewedAt - a.reviewedAt)[0]!.id;
}



/** Every reviewed card's stored state equals the replay of its log. */
async function cardsMatchReplay(page: Page): Promise<void> {
  const [cards, reviews] = await Promise.all([readStore<CardRow>(page, 'cards'), readStore<ReviewRow>(page, 'reviews')]);
  const byCard = new Map<string, ReviewRow[]>();
  for (const r of reviews) byCard.set(r.cardId, [...(byCard.get(r.cardId) ?? []), r]);
  for (const [id, log] of byCard) {
    log.sort((a, b) => a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : 1));
    expect(memoryOf(cards.find((c) => c.id === id)!)).toEqual(replay(id, log[0]!.before, log));
  }
}

const ids = async (page: Page) => (await readReviewLog(page)).map((r) => r.id).sort();

describe('live sync between two devices over a real pouchdb-server', () => {
  it('a wrong password gives a clear message and syncs nothing', async () => {
    const { context, page } = await device();
    await gradeOne(page, /^Good · /);
    await connect(page, 'eve', 'not-her-password');
    await page.getByText('Wrong user name or password. Nothing was synced.').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    expect(await serverDocs('eve', 'review:')).toEqual([]);
    await context.close();
  });

  it('grades move both ways, offline grades reach both devices once each, undo on B voids on A, and the server refuses to edit a synced review', async () => {
    const a = await device();
    const b = await device();
    await connect(a.page, 'ann', 'ann-secret');
    await waitUpToDate(a.page);
    await connect(b.page, 'ann', 'ann-secret');
    await waitUpToDate(b.page);

    // A grade on A reaches B while B stays on its page (no reload).
    const first = await gradeOne(a.page, /^Good · /);
    await expect.poll(() => ids(b.page), { timeout: 30_000 }).toContain(first);

    // Both offline: each grades; back online, both logs are the union, each review once.
    await b.page.goto(`${served.url()}/review`);
    await b.page.getByRole('button', { name: 'Show answer' }).waitFor();
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    const fromA = await gradeOne(a.page, /^Easy · /, false);
    const fromB = await gradeOne(b.page, /^Hard · /, false);
    await a.context.setOffline(false);
    await b.context.setOffline(false);
    for (const d of [a, b]) {
      await d.page.getByRole('link', { name: 'Settings' }).click();
      await d.page.getByRole('button', { name: 'Sync now' }).click();
    }
    await expect.poll(() => ids(a.page), { timeout: 60_000 }).toEqual(expect.arrayContaining([first, fromA, fromB]));
    await expect.poll(async () => JSON.stringify(await ids(b.page)), { timeout: 60_000 }).toBe(JSON.stringify(await ids(a.page)));
    expect(new Set(await ids(a.page)).size).toBe((await ids(a.page)).length);
    await cardsMatchReplay(a.page);
    await cardsMatchReplay(b.page);

    // Undo on B of a review that has synced: A drops it too.
    const undone = await gradeOne(b.page, /^Again · /);
    await expect.poll(() => ids(a.page), { timeout: 30_000 }).toContain(undone);
    await b.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => ids(b.page), { timeout: 20_000 }).not.toContain(undone);
    await expect.poll(() => ids(a.page), { timeout: 30_000 }).not.toContain(undone);
    await cardsMatchReplay(a.page);

    // The server protects the log: an edit of a synced review is refused, whoever sends it.
    const status = await a.page.evaluate(
      async ({ server, db, id }) => {
        const url = `${server}/${db}/review:${id}`;
        const doc = await (await fetch(url, { credentials: 'include' })).json();
        doc.review.rating = 4;
        const put = await fetch(url, { method: 'PUT', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
        return put.status;
      },
      { server: serverUrl(), db: databaseFor('ann'), id: first },
    );
    expect(status).toBe(403);
    await a.context.close();
    await b.context.close();
  });
});
