import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, resetQuestionProgress, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { exportBackup, exportReviewLogCsv, importBackup, loadBackupStatus, undoReplace, UndoUnavailableError } from '../../src/db/backup-repo.ts';
import type { Backup } from '../../src/core/backup/backup-format.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { backupFailureMessage, isQuotaError } from '../../src/core/backup/storage-errors.ts';
import { makeQuestion } from '../fixtures.ts';
import { makeBackupFile, readBackupFile } from '../../src/db/backup-file.ts';
import { backupTextV1, makeBackup, T0, MIN, DAY } from '../core/backup/backup-fixtures.ts';

const BANK = { version: 'v1', questions: ['py-a', 'py-b', 'py-c'].map((id) => makeQuestion(id)) };
let n = 0;

function newDb(): RehearseDb {
  return openDatabase(`backup-repo-${++n}`);
}

/** Everything a learner would call their collection, in a stable order. */
async function collectionOf(db: RehearseDb) {
  const byId = <T>(key: (row: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : 1);
  return {
    cards: (await db.cards.toArray()).sort(byId((c) => c.id)),
    reviews: (await db.reviews.toArray()).sort(byId((r) => r.id)),
    notes: (await db.notes.toArray()).sort(byId((x) => x.questionId)),
    flags: (await db.flags.toArray()).sort(byId((x) => x.questionId)),
    customQuestions: (await db.customQuestions.toArray()).sort(byId((q) => q.id)),
    settings: (await loadSettings(db)).settings,
  };
}

/** Every row of every table, meta included: to prove nothing at all was written. */
async function everything(db: RehearseDb) {
  return { ...(await collectionOf(db)), settingsTable: await db.settings.toArray() };
}

async function grade(db: RehearseDb, cardId: string, rating: 1 | 2 | 3 | 4, now: number) {
  const { settings } = await loadSettings(db);
  return gradeCard(db, { cardId, rating, now, durationMs: 3000, settings });
}

async function filled(): Promise<RehearseDb> {
  const db = newDb();
  await syncBankCards(db, BANK, T0);
  await updateSettings(db, { desiredRetention: 0.92, newPerDay: 15, learningSteps: ['2m', '15m'] });
  let at = T0;
  for (const [cardId, rating] of [['py-a#answer', 3], ['py-b#answer', 1], ['py-a#answer', 3], ['py-b#answer', 3], ['py-c#mistakes', 4]] as const) {
    await grade(db, cardId, rating, at);
    at += 20 * MIN;
  }
  // A reset is logged as an entry with rating 0: backups must carry it like any grade.
  await resetQuestionProgress(db, 'py-b', at);
  await grade(db, 'py-b#answer', 4, at + MIN);
  at += 5 * MIN;
  await db.cards.update('py-c#answer', { suspended: true, bucket: 9 });
  await db.notes.put({ questionId: 'py-a', text: 'finally runs even after return', updatedAt: T0 + DAY });
  await db.flags.put({ questionId: 'py-b', flaggedAt: T0 + DAY });
  await db.customQuestions.put({ ...makeQuestion('own-q1'), createdAt: T0, updatedAt: T0 + DAY });
  await db.cards.bulkAdd(['answer', 'mistakes'].map((kind) => ({
    id: `own-q1#${kind}`, questionId: 'own-q1', kind: kind as 'answer', suspended: false, hidden: false, bucket: 0 as const,
    due: 0, stability: 0, difficulty: 0, state: 0 as const, reps: 0, lapses: 0, lastReview: null, scheduledDays: 0, learningSteps: 0,
  })));
  await grade(db, 'own-q1#answer', 2, at);
  return db;
}

async function exportText(db: RehearseDb, at: number, device = 'Test browser'): Promise<string> {
  const { saved } = await exportBackup(db, at, device, async (pieces) => [...pieces].join(''));
  return saved;
}

function parsed(text: string): Backup {
  const result = parseBackup(text);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

/** Fails the next write to a table the way a full disk does. */
function fillDiskOn(db: RehearseDb, table: 'cards' | 'reviews' | 'customQuestions' | 'notes' | 'flags', afterRows = 0) {
  let rows = 0;
  db[table].hook('creating', () => {
    if (++rows > afterRows) throw new DOMException('full', 'QuotaExceededError');
  });
}

let db: RehearseDb;
beforeEach(async () => {
  db = await filled();
});

describe('export and restore', () => {
  it('gives back an identical collection after export, wiping the database and importing with replace', async () => {
    const before = await collectionOf(db);
    const text = await exportText(db, T0 + 2 * DAY);
    const name = db.name;
    await db.delete();
    db = openDatabase(name);
    expect(await db.reviews.count()).toBe(0);
    await importBackup(db, parsed(text), 'replace', T0 + 3 * DAY);
    expect(await collectionOf(db)).toEqual(before);
    expect(before.reviews).toHaveLength(8);
    expect(before.reviews.filter((r) => r.rating === 0)).toHaveLength(1);
    expect(before.settings).toMatchObject({ desiredRetention: 0.92, newPerDay: 15, learningSteps: ['2m', '15m'] });
  });

  it('carries personal FSRS parameters and the last fit to another device, and grades there with them', async () => {
    const weights = [0.3, 1.1, 2.6, 9.1, 6.9, 0.6, 2.9, 0.01, 1.6, 0.15, 1.0, 1.9, 0.1, 0.3, 2.3, 0.24, 2.9, 0.5, 0.3, 0.05, 0.2];
    const lastFit = { fittedAt: T0 + DAY, reviewCount: 8, applied: true, before: { logLoss: 0.4, rmse: 0.05 }, after: { logLoss: 0.35, rmse: 0.04 } };
    expect((await updateSettings(db, { fsrsParameters: weights, lastFit })).ok).toBe(true);
    const other = openDatabase(`${db.name}-other`);
    await importBackup(other, parsed(await exportText(db, T0 + 2 * DAY)), 'replace', T0 + 2 * DAY);
    const { settings } = await loadSettings(other);
    expect(settings.fsrsParameters).toEqual(weights);
    expect(settings.lastFit).toEqual(lastFit);
    const { review } = await gradeCard(other, { cardId: 'py-a#answer', rating: 3, now: T0 + 3 * DAY, durationMs: 1000, settings });
    expect(review.config.endsWith(`|${weights.join(',')}`)).toBe(true);
  });

  it('records the time of a backup only once its file was made', async () => {
    const failed = await exportBackup(db, T0 + DAY, 'x', async () => {
      throw new Error('disk full');
    }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((await loadBackupStatus(db)).lastBackupAt).toBeNull();
  });

  it('records when the last backup was made', async () => {
    expect((await loadBackupStatus(db)).lastBackupAt).toBeNull();
    await exportBackup(db, T0 + 2 * DAY, 'x');
    const status = await loadBackupStatus(db);
    // 8 log entries, one of them a reset: 7 reviews; 8 cards (3 bank questions and one own, two cards each).
    expect(status).toMatchObject({ lastBackupAt: T0 + 2 * DAY, firstReviewAt: T0, reviewCount: 7, cardCount: 8, undo: null });
    expect(status.lastReviewAt).toBe(T0 + 105 * MIN);
  });

  it('leaves damaged rows out of the file, names them, and the file still imports', async () => {
    await db.cards.update('py-b#mistakes', { stability: 'broken' as unknown as number });
    const { saved, leftOut, cards } = await exportBackup(db, T0 + DAY, 'x', async (pieces) => [...pieces].join(''));
    expect(leftOut).toEqual(['card "py-b#mistakes"']);
    expect(cards).toBe(7);
    expect(parseBackup(saved).ok).toBe(true);
  });

  it('exports the review log as FSRS CSV in time order', async () => {
    const lines = (await exportReviewLogCsv(db)).join('').trimEnd().split('\n');
    expect(lines[0]).toBe('card_id,review_time,review_rating,review_state,review_duration');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      `py-a#answer,${T0},3,0`,
      `py-b#answer,${T0 + 20 * MIN},1,0`,
      `py-a#answer,${T0 + 40 * MIN},3,1`,
      `py-b#answer,${T0 + 60 * MIN},3,1`,
      `py-c#mistakes,${T0 + 80 * MIN},4,0`,
      `py-b#answer,${T0 + 100 * MIN},0,1`,
      `py-b#answer,${T0 + 101 * MIN},4,0`,
      `own-q1#answer,${T0 + 105 * MIN},2,0`,
    ]);
  });
});

/** What a learner's browser would hand the import: the bytes, under a name that may mislead. */
async function fileOf(blob: Blob, name: string): Promise<File> {
  return new File([await blob.arrayBuffer()], name);
}

async function readParsed(file: Blob): Promise<Backup> {
  const read = await readBackupFile(file);
  if (!read.ok) throw new Error(read.error);
  return parsed(read.text);
}

describe('backup files', () => {
  it('exports a gzip file that restores exactly on a wiped device', async () => {
    const before = await collectionOf(db);
    const { saved } = await exportBackup(db, T0 + 2 * DAY, 'Test browser', makeBackupFile);
    expect(saved.compressed).toBe(true);
    expect([...new Uint8Array(await saved.blob.slice(0, 2).arrayBuffer())]).toEqual([0x1f, 0x8b]);
    const name = db.name;
    await db.delete();
    db = openDatabase(name);
    await importBackup(db, await readParsed(await fileOf(saved.blob, 'rehearse-backup-2026-05-12.json.gz')), 'replace', T0 + 3 * DAY);
    expect(await collectionOf(db)).toEqual(before);
  });

  it('recognises a compressed file by its contents, whatever it is called', async () => {
    const { saved } = await exportBackup(db, T0 + 2 * DAY, 'x', makeBackupFile);
    const read = await readBackupFile(await fileOf(saved.blob, 'renamed.json'));
    expect(read.ok && read.compressed).toBe(true);
    const plain = await readBackupFile(new File([backupTextV1()], 'misnamed.json.gz'));
    expect(plain.ok && plain.compressed).toBe(false);
  });

  it('still imports an old plain version 1 file', async () => {
    const backup = await readParsed(new File([backupTextV1(makeBackup())], 'rehearse-backup-2025-12-01.json'));
    expect(backup.version).toBe(1);
    const result = await importBackup(db, backup, 'merge', T0 + 40 * DAY);
    expect(result.added).toMatchObject({ reviews: 5 });
    const ids = new Set((await db.reviews.toArray()).map((r) => r.id));
    for (const review of makeBackup().reviews) expect(ids.has(review.id)).toBe(true);
  });

  it('refuses a damaged compressed file with a clear message, before anything is changed', async () => {
    const before = await everything(db);
    const { saved } = await exportBackup(db, T0 + 2 * DAY, 'x', makeBackupFile);
    const bytes = new Uint8Array(await saved.blob.arrayBuffer());
    const flipped = bytes.slice();
    for (let i = 20; i < flipped.length - 20; i += 7) flipped[i]! ^= 0x5a;
    const afterExport = await everything(db);
    for (const damaged of [flipped, bytes.slice(0, Math.floor(bytes.length / 2)), bytes.slice(0, 12)]) {
      expect(await readBackupFile(new File([damaged], 'rehearse-backup.json.gz'))).toEqual({
        ok: false,
        error: 'This file is not a Rehearse backup: it is a damaged compressed (gzip) file and could not be unpacked.',
      });
    }
    expect(await everything(db)).toEqual(afterExport);
    expect(afterExport.reviews).toEqual(before.reviews);
  });

  it('refuses a compressed file too large to hold, or one that unpacks to too much text', async () => {
    const { saved } = await exportBackup(db, T0 + 2 * DAY, 'x', makeBackupFile);
    const file = await fileOf(saved.blob, 'big.json.gz');
    const text = (await readBackupFile(file)) as { text: string };
    expect(await readBackupFile(file, { fileBytes: file.size - 1, textBytes: 1e9 })).toEqual({
      ok: false,
      error: `This file is not a Rehearse backup: it is ${Math.max(1, Math.round(file.size / 1024))} kB, more than the ${Math.max(1, Math.round((file.size - 1) / 1024))} kB a backup can be.`,
    });
    expect(await readBackupFile(file, { fileBytes: 1e9, textBytes: text.text.length - 1 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^This file is not a Rehearse backup: unpacked, it is more than the \d+ kB a backup can be\.$/),
    });
    expect((await readBackupFile(file, { fileBytes: 1e9, textBytes: text.text.length })).ok).toBe(true);
  });
});

describe('merging two devices that diverged', () => {
  it('gives the union of both logs with no duplicates, and card states equal to a replay', async () => {
    // Device B starts as a copy of A; then each reviews on its own.
    const other = newDb();
    await importBackup(other, parsed(await exportText(db, T0 + DAY)), 'replace', T0 + DAY);
    const onlyA = await grade(db, 'py-a#answer', 3, T0 + 2 * DAY);
    const onlyB1 = await grade(other, 'py-a#answer', 1, T0 + 2 * DAY + 5 * MIN);
    const onlyB2 = await grade(other, 'py-c#answer', 3, T0 + 2 * DAY + 6 * MIN);
    await db.notes.put({ questionId: 'py-a', text: 'edited on A', updatedAt: T0 + 2 * DAY });
    await other.notes.put({ questionId: 'py-a', text: 'edited on B, later', updatedAt: T0 + 3 * DAY });
    await other.notes.put({ questionId: 'py-c', text: 'only on B', updatedAt: T0 + 3 * DAY });
    const sharedIds = (await other.reviews.toArray()).map((r) => r.id).filter((id) => ![onlyB1.review.id, onlyB2.review.id].includes(id));
    expect(sharedIds).toHaveLength(8);

    const result = await importBackup(db, parsed(await exportText(other, T0 + 4 * DAY)), 'merge', T0 + 4 * DAY);
    expect(result.added).toMatchObject({ reviews: 2, cards: 0, notes: 1 });
    expect(result.updated).toMatchObject({ notes: 1 });

    const ids = (await db.reviews.toArray()).map((r) => r.id);
    expect(ids).toHaveLength(11);
    expect(new Set(ids)).toEqual(new Set([...sharedIds, onlyA.review.id, onlyB1.review.id, onlyB2.review.id]));
    const replayed = await replayLog(db);
    for (const card of await db.cards.toArray()) {
      if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
    }
    // py-a#answer's history now interleaves both devices' grades in time order.
    const aLog = (await db.reviews.where('cardId').equals('py-a#answer').sortBy('reviewedAt')).map((r) => r.id);
    expect(aLog.slice(-2)).toEqual([onlyA.review.id, onlyB1.review.id]);
    expect((await db.notes.get('py-a'))?.text).toBe('edited on B, later');
    expect((await db.notes.get('py-c'))?.text).toBe('only on B');

    // Merging the other way makes both devices agree exactly; merging again adds nothing.
    await importBackup(other, parsed(await exportText(db, T0 + 5 * DAY)), 'merge', T0 + 5 * DAY);
    const [a, b] = [await collectionOf(db), await collectionOf(other)];
    expect(b.reviews).toEqual(a.reviews);
    expect(b.cards.map(memoryOf)).toEqual(a.cards.map(memoryOf));
    expect(b.notes).toEqual(a.notes);
    const again = await importBackup(db, parsed(await exportText(other, T0 + 6 * DAY)), 'merge', T0 + 6 * DAY);
    expect(again.added).toEqual({ cards: 0, reviews: 0, notes: 0, flags: 0, customQuestions: 0 });
    expect(await db.reviews.count()).toBe(11);
  });

  it('adds only the new reviews and rewrites only the cards that received them', async () => {
    const other = newDb();
    await importBackup(other, parsed(await exportText(db, T0 + DAY)), 'replace', T0 + DAY);
    const onlyB = await grade(other, 'py-a#answer', 1, T0 + 2 * DAY);
    // Cards this device has changed in ways a replay of their (unchanged) log would undo.
    await db.cards.update('py-b#answer', { stability: 42 });
    await db.cards.update('py-c#mistakes', { suspended: true, bucket: 9 });
    const before = await collectionOf(db);
    const written: string[] = [];
    db.reviews.hook('creating', (id) => void written.push(id as string));
    db.cards.hook('creating', (id) => void written.push(`card ${id as string}`));
    db.cards.hook('updating', (_changes, id) => void written.push(`card ${id as string}`));

    const result = await importBackup(db, parsed(await exportText(other, T0 + 3 * DAY)), 'merge', T0 + 3 * DAY);
    expect(result.added).toEqual({ cards: 0, reviews: 1, notes: 0, flags: 0, customQuestions: 0 });
    expect(written.filter((w) => !w.startsWith('card '))).toEqual([onlyB.review.id]);
    expect(written.filter((w) => w.startsWith('card ') && w !== 'card py-a#answer')).toEqual([]);
    const after = await collectionOf(db);
    expect(after.cards.filter((c) => c.id !== 'py-a#answer')).toEqual(before.cards.filter((c) => c.id !== 'py-a#answer'));
    expect(after.reviews).toHaveLength(before.reviews.length + 1);
    // The card that received a review has its merged log's state, its own suspension kept.
    expect(memoryOf((await db.cards.get('py-a#answer'))!)).toEqual((await replayLog(db)).get('py-a#answer'));
    expect(memoryOf((await db.cards.get('py-a#answer'))!)).toEqual(memoryOf((await other.cards.get('py-a#answer'))!));
  });

  it('replays correctly when the other device touched most of a large collection', async () => {
    // 30 questions → 60 more cards; the other device grades 45 of them, so the replay reads
    // whole cardId ranges at once instead of one small read per card.
    const many = { version: 'v2', questions: [...BANK.questions, ...Array.from({ length: 30 }, (_, i) => makeQuestion(`py-m${String(i).padStart(2, '0')}`))] };
    await syncBankCards(db, many, T0);
    const other = newDb();
    await importBackup(other, parsed(await exportText(db, T0 + DAY)), 'replace', T0 + DAY);
    const ids = (await other.cards.toArray()).map((c) => c.id).filter((id) => id.startsWith('py-m')).sort();
    let at = T0 + 2 * DAY;
    for (const id of ids.slice(0, 45)) await grade(other, id, 3, (at += MIN));
    await grade(db, ids[0]!, 1, T0 + 2 * DAY - MIN);

    const result = await importBackup(db, parsed(await exportText(other, T0 + 3 * DAY)), 'merge', T0 + 3 * DAY);
    expect(result.added.reviews).toBe(45);
    const replayed = await replayLog(db);
    for (const card of await db.cards.toArray()) {
      if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
    }
    // The first card has both devices' grades, in time order; the last 15 were not touched.
    expect((await db.reviews.where('cardId').equals(ids[0]!).toArray()).map((r) => r.rating).sort()).toEqual([1, 3]);
    expect((await db.cards.bulkGet(ids.slice(45))).every((c) => c!.state === 0)).toBe(true);
  });

  it('keeps cards, notes and own questions that only this device has, and this device’s settings', async () => {
    const before = await collectionOf(db);
    await importBackup(db, makeBackup(), 'merge', T0 + 40 * DAY);
    const after = await collectionOf(db);
    expect(after.settings).toEqual(before.settings);
    for (const card of before.cards) expect(after.cards.map((c) => c.id)).toContain(card.id);
    for (const review of before.reviews) expect(after.reviews).toContainEqual(review);
    expect(after.notes.map((x) => x.questionId)).toContain('py-a');
    expect(after.customQuestions.map((q) => q.id)).toEqual(['own-q1']);
  });
});

describe('a failing import changes nothing', () => {
  it('a corrupted file is refused before the database is touched', async () => {
    const before = await everything(db);
    const text = await exportText(db, T0 + DAY);
    const afterExport = await everything(db);
    const result = parseBackup(text.slice(0, text.length - 40));
    expect(result.ok).toBe(false);
    expect(await everything(db)).toEqual(afterExport);
    expect(afterExport.reviews).toEqual(before.reviews);
  });

  it.each(['merge', 'replace'] as const)('a disk that fills up half-way through a %s rolls everything back, with a clear message', async (mode) => {
    const before = await everything(db);
    // Fail after earlier writes of the same import succeeded: a merge writes reviews and cards
    // before flags; a replace empties every table, then fails on the third review row.
    if (mode === 'merge') fillDiskOn(db, 'flags');
    else fillDiskOn(db, 'reviews', 2);
    const error = await importBackup(db, makeBackup(), mode, T0 + 40 * DAY).catch((e: unknown) => e);
    expect(isQuotaError(error)).toBe(true);
    expect(backupFailureMessage(error, 'import')).toBe(
      'Your device refused to store the imported data because its storage is full. Nothing was changed: free some space, then try again.',
    );
    expect(await everything(db)).toEqual(before);
    expect((await loadBackupStatus(db)).undo).toBeNull();
  });

  it('a refusal on the very last table written still leaves the first ones untouched', async () => {
    const before = await everything(db);
    fillDiskOn(db, 'customQuestions');
    await expect(importBackup(db, makeBackup(), 'replace', T0 + 40 * DAY)).rejects.toSatisfy(isQuotaError);
    expect(await everything(db)).toEqual(before);
  });
});

describe('undoing a replace', () => {
  it('restores the collection as it was before the replace, once', async () => {
    const before = await collectionOf(db);
    await importBackup(db, makeBackup(), 'replace', T0 + 40 * DAY);
    expect((await collectionOf(db)).settings.desiredRetention).toBe(0.85);
    expect(await db.reviews.count()).toBe(5);
    expect((await loadBackupStatus(db)).undo).toEqual({ takenAt: T0 + 40 * DAY, cards: 8, reviews: 8 });

    const restored = await undoReplace(db, T0 + 41 * DAY);
    expect(restored).toMatchObject({ cards: 8, reviews: 8 });
    expect(await collectionOf(db)).toEqual(before);
    expect((await loadBackupStatus(db)).undo).toBeNull();
    await expect(undoReplace(db, T0 + 42 * DAY)).rejects.toBeInstanceOf(UndoUnavailableError);
  });
});

describe('imports and the bank', () => {
  it('brings imported cards in line with this version’s bank when given it', async () => {
    const fresh = newDb();
    // The backup has py-a only (and an own question); this bank has py-a, py-b and py-c.
    await importBackup(fresh, makeBackup(), 'replace', T0 + 40 * DAY, BANK);
    const ids = (await fresh.cards.toArray()).map((c) => c.id).sort();
    expect(ids).toEqual(['own-q1#answer', 'py-a#answer', 'py-a#mistakes', 'py-b#answer', 'py-b#mistakes', 'py-c#answer', 'py-c#mistakes']);
    // A backup card whose question this bank lacks is hidden, not lost.
    await importBackup(fresh, makeBackup(), 'replace', T0 + 41 * DAY, { version: 'v2', questions: [makeQuestion('py-b')] });
    expect((await fresh.cards.get('py-a#answer'))?.hidden).toBe(true);
    expect(await fresh.reviews.count()).toBe(5);
  });
});
