import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { exportBackup, importBackup, undoReplace } from '../../src/db/backup-repo.ts';
import { loadSettings } from '../../src/db/settings-repo.ts';
import { loadAccount, relinkAfterReplace, replacedSinceSync, saveAccount, seedOutbox, ReplaceWhileSyncingError } from '../../src/db/sync-repo.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import type { Backup } from '../../src/core/backup/backup-format.ts';
import { pullChanges, pushOutbox, type Mirror } from '../../src/sync/sync-engine.ts';
import { makeQuestion } from '../fixtures.ts';

// Replace from a backup on a device that syncs: it must neither delete reviews the other devices
// keep nor leave the devices disagreeing. PouchDB's memory adapter plays mirrors and server.
type PouchCtor = (new (name: string, options: { adapter: string }) => Mirror) & { plugin(p: unknown): void; replicate(a: unknown, b: unknown): Promise<unknown> };
let PouchDB: PouchCtor;
beforeAll(async () => {
  PouchDB = (await import('pouchdb-browser')).default as unknown as PouchCtor;
  PouchDB.plugin((await import('pouchdb-adapter-memory')).default);
});

const T0 = new Date(2026, 4, 10, 9).getTime();
const QUESTIONS = ['py-a', 'py-b', 'py-c'].map((id) => makeQuestion(id));
let count = 0;
interface Device {
  db: RehearseDb;
  mirror: Mirror;
}

async function device(linked = true): Promise<Device> {
  const db = openDatabase(`replace-sync-${++count}`);
  await syncBankCards(db, { version: 'v1', questions: QUESTIONS }, T0);
  if (linked) {
    await saveAccount(db, { server: 'http://127.0.0.1:1', user: 'ann', database: 'userdb-616e6e', connected: true, lastSyncAt: null });
    await seedOutbox(db, T0);
  }
  return { db, mirror: new PouchDB(`replace-mirror-${count}`, { adapter: 'memory' }) };
}

async function syncRound(d: Device, remote: Mirror) {
  await pushOutbox(d.db, d.mirror, T0 + 1000);
  await PouchDB.replicate(d.mirror, remote);
  await PouchDB.replicate(remote, d.mirror);
  await pullChanges(d.db, d.mirror, T0 + 1000);
  await pushOutbox(d.db, d.mirror, T0 + 1000);
  await PouchDB.replicate(d.mirror, remote);
}

async function grade(db: RehearseDb, cardId: string, at: number) {
  const { settings } = await loadSettings(db);
  return (await gradeCard(db, { cardId, rating: 3, now: at, durationMs: 1000, settings })).review.id;
}

async function backupOf(db: RehearseDb): Promise<Backup> {
  const { saved } = await exportBackup(db, T0 + 5000, 'test', async (pieces) => [...pieces].join(''));
  const parsed = parseBackup(saved);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const reviewIds = async (db: RehearseDb) => ((await db.reviews.toCollection().primaryKeys()) as string[]).sort();

async function cardsMatchReplay(db: RehearseDb) {
  for (const [id, memory] of await replayLog(db)) expect(memoryOf((await db.cards.get(id))!)).toEqual(memory);
}

describe('Replace from a backup on a device that syncs', () => {
  it('is refused while sync is on, with a message that says why and what to do, and changes nothing', async () => {
    const a = await device();
    await grade(a.db, 'py-a#answer', T0 + 60_000);
    const other = await device(false);
    await grade(other.db, 'py-b#answer', T0 + 70_000);
    const file = await backupOf(other.db);
    const before = await reviewIds(a.db);
    await expect(importBackup(a.db, file, 'replace', T0 + 80_000)).rejects.toThrow(ReplaceWhileSyncingError);
    await expect(importBackup(a.db, file, 'replace', T0 + 80_000)).rejects.toThrow(/Sync is on.*Merge.*Disconnect/);
    expect(await reviewIds(a.db)).toEqual(before);
    expect(await replacedSinceSync(a.db)).toBeNull();
    // Merge stays available: it only adds, and the added review goes out to the other devices.
    await importBackup(a.db, file, 'merge', T0 + 80_000);
    expect(await a.db.outbox.get(`review:${(await reviewIds(other.db))[0]}`)).toBeDefined();
  });

  it('after Disconnect, Replace then Connect merges this device with the server: the server keeps every review, this device gets them back, and both devices agree', async () => {
    const remote = new PouchDB(`replace-server-${++count}`, { adapter: 'memory' });
    const [a, b] = [await device(), await device()];
    const fromA = await grade(a.db, 'py-a#answer', T0 + 60_000);
    const fromB = await grade(b.db, 'py-b#answer', T0 + 61_000);
    for (const d of [a, b, a]) await syncRound(d, remote);
    expect(await reviewIds(b.db)).toEqual([fromA, fromB].sort());

    // B disconnects, then replaces its data with an old file from a third device.
    await saveAccount(b.db, { ...(await loadAccount(b.db))!, connected: false });
    const third = await device(false);
    const fromFile = await grade(third.db, 'py-c#answer', T0 + 30_000);
    await importBackup(b.db, await backupOf(third.db), 'replace', T0 + 90_000);
    expect(await reviewIds(b.db)).toEqual([fromFile]);
    expect(await replacedSinceSync(b.db)).toBe(T0 + 90_000);

    // Connect again (what Settings → Sync → Connect does for the same account).
    await saveAccount(b.db, { ...(await loadAccount(b.db))!, connected: true });
    expect(await relinkAfterReplace(b.db, T0 + 100_000)).toBe(true);
    for (const d of [b, a, b]) await syncRound(d, remote);
    const union = [fromA, fromB, fromFile].sort();
    expect(await reviewIds(b.db)).toEqual(union);
    expect(await reviewIds(a.db)).toEqual(union);
    await cardsMatchReplay(a.db);
    await cardsMatchReplay(b.db);
    expect(await replacedSinceSync(b.db)).toBeNull();
  });

  it('Undo replace is refused while sync is on too (it would drop reviews made since)', async () => {
    const b = await device();
    await saveAccount(b.db, { ...(await loadAccount(b.db))!, connected: false });
    const third = await device(false);
    await grade(third.db, 'py-c#answer', T0 + 30_000);
    await importBackup(b.db, await backupOf(third.db), 'replace', T0 + 90_000);
    await saveAccount(b.db, { ...(await loadAccount(b.db))!, connected: true });
    const before = await reviewIds(b.db);
    await expect(undoReplace(b.db, T0 + 95_000)).rejects.toThrow(ReplaceWhileSyncingError);
    expect(await reviewIds(b.db)).toEqual(before);
  });
});
