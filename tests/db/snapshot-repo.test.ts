import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { importBackup } from '../../src/db/backup-repo.ts';
import { loadSnapshotInfo, makeSnapshot, readSnapshot, takeDailySnapshot } from '../../src/db/snapshot-repo.ts';
import { SNAPSHOT_SLOT, snapshotDbFor } from '../../src/db/snapshot-db.ts';
import { makeQuestion } from '../fixtures.ts';
import { makeBackup, T0, MIN, DAY } from '../core/backup/backup-fixtures.ts';

const BANK = { version: 'v1', questions: ['py-a', 'py-b', 'py-c'].map((id) => makeQuestion(id)) };
let n = 0;
let db: RehearseDb;

async function grade(cardId: string, rating: 1 | 2 | 3 | 4, now: number) {
  const { settings } = await loadSettings(db);
  return gradeCard(db, { cardId, rating, now, durationMs: 3000, settings });
}

/** Everything a learner would call their collection, in a stable order. */
async function collectionOf(target: RehearseDb) {
  const byId = <T>(key: (row: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : 1);
  return {
    cards: (await target.cards.toArray()).sort(byId((c) => c.id)),
    reviews: (await target.reviews.toArray()).sort(byId((r) => r.id)),
    notes: (await target.notes.toArray()).sort(byId((x) => x.questionId)),
    flags: (await target.flags.toArray()).sort(byId((x) => x.questionId)),
    customQuestions: (await target.customQuestions.toArray()).sort(byId((q) => q.id)),
    settings: (await loadSettings(target)).settings,
  };
}

/** The database recreated empty under the same name, as the browser would after a wipe. */
async function wipe() {
  const name = db.name;
  db.close();
  await db.delete();
  db = openDatabase(name);
}

beforeEach(async () => {
  db = openDatabase(`snapshot-repo-${++n}`);
  await syncBankCards(db, BANK, T0);
  await updateSettings(db, { desiredRetention: 0.93, newPerDay: 12 });
  let at = T0;
  for (const [cardId, rating] of [['py-a#answer', 3], ['py-b#answer', 1], ['py-a#answer', 4], ['py-c#mistakes', 2]] as const) {
    await grade(cardId, rating, at);
    at += 15 * MIN;
  }
  await db.notes.put({ questionId: 'py-a', text: 'finally runs after return', updatedAt: T0 });
  await db.flags.put({ questionId: 'py-b', flaggedAt: T0 });
});

describe('the automatic snapshot', () => {
  it('holds the collection as a compressed backup, apart from the main database, and restores it exactly after a wipe', async () => {
    const before = await collectionOf(db);
    const made = await makeSnapshot(db, T0 + DAY, 'daily');
    expect(made).toMatchObject({ made: true, info: { madeAt: T0 + DAY, reviews: 4, cards: before.cards.length, compressed: true, reason: 'daily' } });
    const row = await snapshotDbFor(db).data.get(SNAPSHOT_SLOT);
    expect([...new Uint8Array(row!.bytes).slice(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(made.made && made.info.bytes).toBe(row!.bytes.byteLength);

    await wipe();
    expect(await db.reviews.count()).toBe(0);
    const read = await readSnapshot(db);
    if (!read.ok) throw new Error(read.error);
    expect(read.info.reviews).toBe(4);
    await importBackup(db, read.backup, 'replace', T0 + 2 * DAY, BANK);
    expect(await collectionOf(db)).toEqual(before);
    // Card states are what their logs replay to.
    const replayed = await replayLog(db);
    for (const card of await db.cards.toArray()) if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
  });

  it('is made at most once per study day, and again the next day', async () => {
    expect((await takeDailySnapshot(db, T0 + DAY)).made).toBe(true);
    await grade('py-b#answer', 3, T0 + DAY + MIN);
    expect(await takeDailySnapshot(db, T0 + DAY + 5 * 60 * MIN)).toEqual({ made: false, why: 'not-due' });
    expect((await loadSnapshotInfo(db))?.reviews).toBe(4);
    const next = await takeDailySnapshot(db, T0 + 2 * DAY);
    expect(next).toMatchObject({ made: true, info: { reviews: 5, madeAt: T0 + 2 * DAY } });
    // Exactly one is kept: the latest.
    expect(await snapshotDbFor(db).data.count()).toBe(1);
    expect(await snapshotDbFor(db).info.count()).toBe(1);
  });

  it('is not made for a learner with no reviews', async () => {
    await db.reviews.clear();
    expect(await takeDailySnapshot(db, T0 + DAY)).toEqual({ made: false, why: 'not-due' });
    expect(await loadSnapshotInfo(db)).toBeNull();
  });

  it('is never overwritten by an empty database, not by the daily one nor before a Replace', async () => {
    await makeSnapshot(db, T0 + DAY, 'daily');
    const kept = await loadSnapshotInfo(db);
    await wipe();
    expect(await takeDailySnapshot(db, T0 + 3 * DAY)).toEqual({ made: false, why: 'not-due' });
    expect(await makeSnapshot(db, T0 + 3 * DAY, 'before-replace')).toEqual({ made: false, why: 'kept' });
    // A Replace with a backup file on the wiped device keeps the snapshot of the lost reviews.
    await importBackup(db, makeBackup(), 'replace', T0 + 3 * DAY);
    expect(await loadSnapshotInfo(db)).toEqual(kept);
    const read = await readSnapshot(db);
    expect(read.ok && read.backup.reviews.length).toBe(4);
  });

  it('is not replaced by the few reviews of a learner who studied on after a wipe, but is after a Replace to a smaller collection', async () => {
    await makeSnapshot(db, T0 + DAY, 'daily');
    const kept = await loadSnapshotInfo(db);
    await wipe();
    await syncBankCards(db, BANK, T0 + 2 * DAY);
    await grade('py-a#answer', 3, T0 + 2 * DAY);
    expect(await takeDailySnapshot(db, T0 + 3 * DAY)).toEqual({ made: false, why: 'kept' });
    expect(await makeSnapshot(db, T0 + 3 * DAY, 'before-replace')).toEqual({ made: false, why: 'kept' });
    expect(await loadSnapshotInfo(db)).toEqual(kept);

    // Restored, then replaced on purpose by a backup with fewer reviews: the daily snapshot follows the new collection.
    const read = await readSnapshot(db);
    if (!read.ok) throw new Error(read.error);
    await importBackup(db, read.backup, 'replace', T0 + 3 * DAY, BANK);
    const small = makeBackup({ reviews: makeBackup().reviews.slice(0, 2) });
    small.cards = small.cards.filter((card) => small.reviews.some((r) => r.cardId === card.id));
    await importBackup(db, small, 'replace', T0 + 4 * DAY);
    expect(await loadSnapshotInfo(db)).toMatchObject({ reviews: 4, reason: 'before-replace', madeAt: T0 + 4 * DAY });
    expect(await takeDailySnapshot(db, T0 + 5 * DAY)).toMatchObject({ made: true, info: { reviews: 2 } });
  });

  it('is made just before a Replace, so restoring it undoes the Replace exactly', async () => {
    const before = await collectionOf(db);
    await importBackup(db, makeBackup(), 'replace', T0 + 40 * DAY, BANK);
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0 + 40 * DAY, reviews: 4, reason: 'before-replace' });
    expect(await db.reviews.count()).toBe(makeBackup().reviews.length);
    const read = await readSnapshot(db);
    if (!read.ok) throw new Error(read.error);
    await importBackup(db, read.backup, 'replace', T0 + 41 * DAY, BANK);
    expect(await collectionOf(db)).toEqual(before);
    // And that restore kept what it replaced in turn.
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0 + 41 * DAY, reviews: makeBackup().reviews.length });
  });

  it('is brought up to date before a Merge when reviews were made since it, so a database lost mid-import loses none of them', async () => {
    // The day's snapshot, then a second session's grade that only the database holds.
    expect(await takeDailySnapshot(db, T0 + DAY)).toMatchObject({ made: true, info: { reviews: 4 } });
    await grade('py-b#answer', 3, T0 + DAY + 2 * 3_600_000);
    const beforeImport = await collectionOf(db);

    await importBackup(db, makeBackup(), 'merge', T0 + DAY + 3 * 3_600_000, BANK);
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0 + DAY + 3 * 3_600_000, reviews: 5, reason: 'before-merge' });
    // The import then dies with the whole store: the snapshot gives back every review made here.
    await wipe();
    const read = await readSnapshot(db);
    if (!read.ok) throw new Error(read.error);
    await importBackup(db, read.backup, 'replace', T0 + DAY + 4 * 3_600_000, BANK);
    expect((await collectionOf(db)).reviews).toEqual(beforeImport.reviews);

    // Nothing new since (the restore onto the empty database kept it too): the next Merge makes no other.
    await importBackup(db, makeBackup(), 'merge', T0 + DAY + 5 * 3_600_000, BANK);
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0 + DAY + 3 * 3_600_000, reason: 'before-merge' });
  });

  it('refuses a damaged snapshot with a clear message and changes nothing', async () => {
    await makeSnapshot(db, T0 + DAY, 'daily');
    const before = await collectionOf(db);
    const row = await snapshotDbFor(db).data.get(SNAPSHOT_SLOT);
    const bytes = new Uint8Array(row!.bytes.slice(0));
    for (let i = 20; i < bytes.length - 20; i += 5) bytes[i]! ^= 0x5a;
    await snapshotDbFor(db).data.put({ slot: SNAPSHOT_SLOT, bytes: bytes.buffer });
    expect(await readSnapshot(db)).toEqual({
      ok: false,
      error: 'The automatic snapshot is damaged and cannot be restored. Nothing was changed.',
      details: ['This file is not a Rehearse backup: it is a damaged compressed (gzip) file and could not be unpacked.'],
    });
    // Readable bytes that are not a backup are refused the same way, naming what is wrong.
    await snapshotDbFor(db).data.put({ slot: SNAPSHOT_SLOT, bytes: new TextEncoder().encode('{"format":"rehearse-backup","version":2}').buffer });
    const notABackup = await readSnapshot(db);
    expect(notABackup.ok).toBe(false);
    expect(!notABackup.ok && notABackup.details.length).toBeGreaterThan(0);
    expect(await collectionOf(db)).toEqual(before);
  });

  it('says there is none when none was made', async () => {
    expect(await readSnapshot(db)).toEqual({ ok: false, error: 'There is no automatic snapshot on this device. Nothing was changed.', details: [] });
  });
});
