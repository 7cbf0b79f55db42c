import { beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { UndoRefusedError, gradeCard, replayLog, syncBankCards, undoReview } from '../../src/db/cards-repo.ts';
import { saveNote, setFlagged } from '../../src/db/library-repo.ts';
import { setCardSuspended } from '../../src/db/card-actions.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { applyIncoming, markPushed, readOutbox, saveAccount, seedOutbox } from '../../src/db/sync-repo.ts';
import { replayTouchedCards } from '../../src/db/backup-repo.ts';
import { reviewDoc } from '../../src/core/sync/sync-docs.ts';
import type { ReviewRow } from '../../src/db/database.ts';
import { pullChanges, pushOutbox, type Mirror } from '../../src/sync/sync-engine.ts';
import { memoryOf } from '../../src/db/cards-repo.ts';
import { makeQuestion } from '../fixtures.ts';
import { DEFAULT_PARAMETERS, type Rating } from '../../src/core/scheduling/fsrs.ts';
import { resetParameters, saveFit } from '../../src/db/optimiser-repo.ts';

// PouchDB's browser build in Vitest's jsdom, on its in-memory adapter: the mirrors and the
// "server" are real PouchDB databases, replicated with PouchDB's own CouchDB protocol code.
type PouchCtor = (new (name: string, options: { adapter: string }) => Mirror & { replicate: unknown }) & {
  plugin(p: unknown): void;
  replicate(a: unknown, b: unknown): Promise<unknown>;
};
let PouchDB: PouchCtor;
beforeAll(async () => {
  PouchDB = (await import('pouchdb-browser')).default as unknown as PouchCtor;
  PouchDB.plugin((await import('pouchdb-adapter-memory')).default);
});

const T0 = new Date(2026, 4, 10, 9).getTime();
// SYNC_FC_RUNS=1000 SYNC_FC_SEED=<seed> replays or widens the convergence property.
const FC_RUNS = Number(process.env.SYNC_FC_RUNS ?? 15);
const QUESTIONS = ['py-a', 'py-b', 'py-c'].map((id) => makeQuestion(id));
let count = 0;

interface Device {
  db: RehearseDb;
  mirror: Mirror;
}

async function device(): Promise<Device> {
  const db = openDatabase(`sync-${++count}`);
  await syncBankCards(db, { version: 'v1', questions: QUESTIONS }, T0);
  await saveAccount(db, { server: 'http://127.0.0.1:1', user: 'ann', database: 'userdb-616e6e', connected: true, lastSyncAt: null });
  await seedOutbox(db, T0);
  return { db, mirror: new PouchDB(`mirror-${count}`, { adapter: 'memory' }) };
}

function server(): Mirror {
  return new PouchDB(`server-${++count}`, { adapter: 'memory' });
}

/** One sync round as the app runs it: outbox → mirror, mirror ⇄ server, mirror → Dexie. */
async function syncRound(d: Device, remote: Mirror, now = T0 + 1000) {
  await pushOutbox(d.db, d.mirror, now);
  await PouchDB.replicate(d.mirror, remote);
  await PouchDB.replicate(remote, d.mirror);
  const pulled = await pullChanges(d.db, d.mirror, now);
  // Merges this device knew better are pushed straight back, as the live loop does.
  await pushOutbox(d.db, d.mirror, now);
  await PouchDB.replicate(d.mirror, remote);
  return pulled;
}

async function snapshot(db: RehearseDb) {
  const [reviews, cards, notes, flags, settings] = await Promise.all([
    db.reviews.orderBy('id').toArray(),
    db.cards.orderBy('id').toArray(),
    db.notes.orderBy('questionId').toArray(),
    db.flags.orderBy('questionId').toArray(),
    loadSettings(db),
  ]);
  return { reviews, cards: cards.map((c) => ({ id: c.id, suspended: c.suspended, ...memoryOf(c) })), notes, flags, settings: settings.settings };
}

async function grade(db: RehearseDb, cardId: string, rating: Rating, now: number) {
  const { settings } = await loadSettings(db);
  return gradeCard(db, { cardId, rating, now, durationMs: 1000, settings });
}

describe('live sync over CouchDB replication', () => {
  it('a grade on one device arrives on the other with the card in the state its log replays to', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    await grade(a.db, 'py-a#answer', 3, T0 + 60_000);
    await syncRound(a, remote);
    const pulled = await syncRound(b, remote);
    expect(pulled.reviewsAdded).toBe(1);
    expect(await a.db.outbox.count()).toBe(0);
    expect((await snapshot(b.db)).reviews).toEqual((await snapshot(a.db)).reviews);
    const replayed = (await replayLog(b.db)).get('py-a#answer')!;
    expect(memoryOf((await b.db.cards.get('py-a#answer'))!)).toEqual(replayed);
    expect((await b.db.cards.get('py-a#answer'))!.reps).toBe(1);
  });

  it('reviews that arrive batch after batch carry each card on from its last grade: the state its whole log replays to, without reading that log again', async () => {
    const [a, b] = [await device(), await device()];
    // Another device's long history of two cards, graded over weeks.
    const theirs: ReviewRow[] = [];
    for (let i = 0; i < 12; i++) {
      for (const card of ['py-a#answer', 'py-b#mistakes']) theirs.push((await grade(a.db, card, ((i % 4) + 1) as Rating, T0 + i * 3 * 86_400_000 + (card === 'py-a#answer' ? 0 : 1000))).review);
    }
    const wholeLogReplays: string[][] = [];
    const replayTouched = (db: RehearseDb, ids: readonly string[]) => {
      wholeLogReplays.push([...ids]);
      return replayTouchedCards(db, ids);
    };
    // Four reviews per batch, in the order they were made, as a first sync brings them.
    for (let start = 0; start < theirs.length; start += 4) {
      await applyIncoming(b.db, theirs.slice(start, start + 4).map(reviewDoc), start + 4, T0, replayTouched);
      const replayed = await replayLog(b.db);
      for (const card of ['py-a#answer', 'py-b#mistakes']) expect(memoryOf((await b.db.cards.get(card))!)).toEqual(replayed.get(card));
    }
    expect(memoryOf((await b.db.cards.get('py-a#answer'))!)).toEqual(memoryOf((await a.db.cards.get('py-a#answer'))!));
    // Only the first batch (no grade here yet) replayed whole logs.
    expect(wholeLogReplays).toEqual([['py-a#answer', 'py-b#mistakes']]);
  });

  it('a pulled review older than the card\'s last grade here is replayed in its place in the log, not after it', async () => {
    const [a, b] = [await device(), await device()];
    await grade(b.db, 'py-c#answer', 3, T0 + 10 * 60_000);
    await grade(b.db, 'py-c#answer', 3, T0 + 86_400_000);
    // Made on the other device between the two grades here (it was offline until now).
    const earlier = (await grade(a.db, 'py-c#answer', 1, T0 + 20 * 60_000)).review;
    const later = (await grade(a.db, 'py-a#answer', 4, T0 + 2 * 86_400_000)).review;
    const wholeLogReplays: string[] = [];
    const report = await applyIncoming(b.db, [reviewDoc(earlier), reviewDoc(later)], 2, T0, (db, ids) => {
      wholeLogReplays.push(...ids);
      return replayTouchedCards(db, ids);
    });
    const replayed = await replayLog(b.db);
    expect(memoryOf((await b.db.cards.get('py-c#answer'))!)).toEqual(replayed.get('py-c#answer'));
    expect(report.notReplayed).toEqual([]);
    expect(memoryOf((await b.db.cards.get('py-a#answer'))!)).toEqual(replayed.get('py-a#answer'));
    expect(wholeLogReplays).toEqual(['py-c#answer', 'py-a#answer']);
  });

  it('pulling the same changes twice changes nothing (idempotent apply and checkpoint)', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    await grade(a.db, 'py-a#answer', 3, T0 + 60_000);
    await grade(a.db, 'py-b#answer', 1, T0 + 90_000);
    await saveNote(a.db, 'py-a', 'remember __exit__', T0 + 100_000);
    await syncRound(a, remote);
    await syncRound(b, remote);
    const first = await snapshot(b.db);
    // Forget the checkpoint: the whole feed is applied again.
    await b.db.syncState.delete('checkpoint');
    const again = await pullChanges(b.db, b.mirror, T0 + 2000);
    expect(again.reviewsAdded).toBe(0);
    expect(again.updated).toBe(0);
    expect(await snapshot(b.db)).toEqual(first);
    expect(await b.db.outbox.count()).toBe(0);
  });

  it('undo on one device after sync voids the review on the other', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    const { review } = await grade(b.db, 'py-c#answer', 4, T0 + 60_000);
    await syncRound(b, remote);
    await syncRound(a, remote);
    expect(await a.db.reviews.get(review.id)).toBeDefined();
    await undoReview(b.db, review.id, T0 + 70_000);
    await syncRound(b, remote);
    const pulled = await syncRound(a, remote);
    expect(pulled.reviewsVoided).toBe(1);
    expect(await a.db.reviews.get(review.id)).toBeUndefined();
    expect((await a.db.cards.get('py-c#answer'))!.reps).toBe(0);
    expect(await snapshot(a.db)).toEqual(await snapshot(b.db));
  });

  it('undo of a grade that another device\'s earlier review now precedes leaves the card as that review made it, on both devices', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    // The same card graded on both devices at the same second, while apart; A's review sorts first.
    const ids = vi.spyOn(crypto, 'randomUUID');
    ids.mockReturnValueOnce('00000000-0000-4000-8000-000000000001');
    await grade(a.db, 'py-a#mistakes', 1, T0 + 10_000);
    ids.mockReturnValueOnce('00000000-0000-4000-8000-000000000002');
    const { review } = await grade(b.db, 'py-a#mistakes', 1, T0 + 10_000);
    ids.mockRestore();
    await syncRound(a, remote);
    await syncRound(b, remote);
    // B undoes its own grade: the card keeps A's review, not the new state B's grade started from.
    const restored = await undoReview(b.db, review.id, T0 + 20_000);
    expect(restored.reps).toBe(1);
    expect(memoryOf(restored)).toEqual((await replayLog(b.db)).get('py-a#mistakes'));
    for (let i = 0; i < 2; i++) for (const d of [a, b]) await syncRound(d, remote);
    expect(await snapshot(a.db)).toEqual(await snapshot(b.db));
  });

  it('an undo before the review ever left the device sends nothing', async () => {
    const remote = server();
    const a = await device();
    const { review } = await grade(a.db, 'py-c#answer', 4, T0 + 60_000);
    await undoReview(a.db, review.id, T0 + 61_000);
    await syncRound(a, remote);
    const all = await (remote as unknown as { allDocs(): Promise<{ rows: { id: string }[] }> }).allDocs();
    expect(all.rows.filter((r) => r.id.startsWith('review'))).toEqual([]);
  });

  it('a malformed document from the server is skipped and reported, and the rest still applies', async () => {
    const remote = server();
    const b = await device();
    await remote.bulkDocs([
      { _id: 'review:bad', kind: 'review', review: { id: 'bad', cardId: '', rating: 9 } },
      { _id: 'cardmeta:py-a', kind: 'cardmeta', fields: { note: { value: 'from the server', at: T0 + 5 } } },
    ]);
    const pulled = await syncRound(b, remote);
    expect(pulled.skipped.map((s) => s.id)).toEqual(['review:bad']);
    expect(await b.db.reviews.count()).toBe(0);
    expect((await b.db.notes.get('py-a'))?.text).toBe('from the server');
  });

  it('an edit made after seeing the other device\'s value wins on both, even at the same millisecond or with a clock behind', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    const t = T0 + 60_000;
    await saveNote(a.db, 'py-a', 'y', t);
    await updateSettings(a.db, { newPerDay: 6 }, t);
    await setCardSuspended(a.db, 'py-a#answer', true, t);
    await syncRound(a, remote, t);
    await syncRound(b, remote, t);
    expect((await b.db.notes.get('py-a'))?.text).toBe('y');
    // B has seen A's values, then edits them: at the same millisecond, and with a clock a minute behind.
    await saveNote(b.db, 'py-a', 'x', t);
    await updateSettings(b.db, { newPerDay: 3 }, t - 60_000);
    await setCardSuspended(b.db, 'py-a#answer', false, t - 60_000);
    for (let i = 0; i < 2; i++) for (const d of [b, a]) await syncRound(d, remote, t);
    for (const d of [a, b]) {
      expect((await d.db.notes.get('py-a'))?.text).toBe('x');
      expect((await loadSettings(d.db)).settings.newPerDay).toBe(3);
      expect((await d.db.cards.get('py-a#answer'))!.suspended).toBe(false);
    }
    expect(await snapshot(a.db)).toEqual(await snapshot(b.db));
  });

  it('two edits of a setting within one millisecond on one device: the second is what both devices keep', async () => {
    // fast-check's counterexample (seed 1, path 48:1:0:4:4:4:4:6:6:6): newPerDay 8 then 2 at the same time.
    const remote = server();
    const [a, b] = [await device(), await device()];
    const t = T0 + 10_000;
    await updateSettings(b.db, { newPerDay: 8 }, t);
    await updateSettings(b.db, { newPerDay: 2 }, t);
    for (let i = 0; i < 2; i++) for (const d of [a, b]) await syncRound(d, remote, t);
    expect((await loadSettings(b.db)).settings.newPerDay).toBe(2);
    expect((await loadSettings(a.db)).settings.newPerDay).toBe(2);
  });

  it('fitted parameters and the record of their fit reach the other device, and so does a reset to defaults', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    const weights = [...DEFAULT_PARAMETERS];
    weights[2] = 1.5;
    const fit = { fittedAt: T0 + 5000, reviewCount: 812, applied: true, before: { logLoss: 0.41, rmse: 0.06 }, after: { logLoss: 0.37, rmse: 0.03 } };
    expect((await saveFit(a.db, weights, fit, T0 + 5000)).ok).toBe(true);
    for (let i = 0; i < 2; i++) for (const d of [a, b]) await syncRound(d, remote, T0 + 6000);
    const onB = (await loadSettings(b.db)).settings;
    expect(onB.fsrsParameters).toEqual((await loadSettings(a.db)).settings.fsrsParameters);
    expect(onB.fsrsParameters![2]).toBe(1.5);
    expect(onB.lastFit).toEqual(fit);
    // B grades with A's weights: its review row records them, so replay on A is exact.
    await grade(b.db, 'py-a#answer', 3, T0 + 7000);
    expect((await b.db.reviews.toArray())[0]!.config).toContain(onB.fsrsParameters!.join(','));

    expect((await resetParameters(a.db, T0 + 8000)).ok).toBe(true);
    for (let i = 0; i < 2; i++) for (const d of [a, b]) await syncRound(d, remote, T0 + 9000);
    expect((await loadSettings(b.db)).settings.fsrsParameters).toBeNull();
    expect(await snapshot(a.db)).toEqual(await snapshot(b.db));
  });

  it('a note edited in the same millisecond as a push reads it still reaches the other device', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    const t = T0 + 10_000;
    await saveNote(a.db, 'py-a', 'x', t);
    // A push reads the queue, the learner edits again at the same clock time, the push then clears what it sent.
    const sent = await readOutbox(a.db, 500);
    await saveNote(a.db, 'py-a', 'y', t);
    await markPushed(a.db, sent, t);
    expect(await a.db.outbox.get('cardmeta:py-a')).toBeDefined();
    await syncRound(a, remote, t);
    await syncRound(b, remote, t);
    expect((await b.db.notes.get('py-a'))?.text).toBe('y');
    expect(await snapshot(b.db)).toEqual(await snapshot(a.db));
  });

  it('an undo while the review is being pushed still removes it on both devices', async () => {
    const remote = server();
    const [a, b] = [await device(), await device()];
    const { review } = await grade(a.db, 'py-a#answer', 3, T0 + 60_000);
    // The push's steps, with the undo landing after the review reached the mirror and before the queue is cleared.
    const sent = await readOutbox(a.db, 500);
    await a.mirror.bulkDocs(sent.map((o) => ({ ...o.doc })));
    await undoReview(a.db, review.id, T0 + 61_000);
    await markPushed(a.db, sent, T0 + 61_000);
    for (let i = 0; i < 2; i++) for (const d of [a, b]) await syncRound(d, remote, T0 + 62_000);
    expect(await a.db.reviews.count()).toBe(0);
    expect(await b.db.reviews.count()).toBe(0);
    expect((await b.db.cards.get('py-a#answer'))!.reps).toBe(0);
    expect(await snapshot(a.db)).toEqual(await snapshot(b.db));
  });

  it('offline edits on two devices converge: both logs are the union, each review once, and notes, flags, suspensions and settings agree', async () => {
    const actions = fc.array(
      fc.record({
        on: fc.constantFrom(0, 1),
        what: fc.constantFrom('grade', 'undo', 'note', 'flag', 'suspend', 'settings', 'sync'),
        card: fc.constantFrom('py-a#answer', 'py-b#answer', 'py-a#mistakes'),
        rating: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<Rating>,
        text: fc.constantFrom('x', 'y', ''),
        flag: fc.boolean(),
        // Equal times on both devices are allowed: ties must still resolve the same way.
        dt: fc.integer({ min: 0, max: 3 }),
        // Review ids come from the seed (not crypto's randomness), so a failing seed replays exactly;
        // the random prefix still varies the id tie-break of equal-time grades of one card.
        idPrefix: fc.integer({ min: 0, max: 0xffff }),
      }),
      { minLength: 1, maxLength: 12 },
    );
    let nextId = '';
    const ids = vi.spyOn(crypto, 'randomUUID').mockImplementation(() => nextId as ReturnType<Crypto['randomUUID']>);
    try {
      await fc.assert(
        fc.asyncProperty(actions, async (steps) => {
          const remote = server();
          const devices = [await device(), await device()];
          let now = T0 + 10_000;
          let graded = 0;
          const lastGrade: (string | null)[] = [null, null];
          for (const [i, step] of steps.entries()) {
            now += step.dt * 1000;
            const d = devices[step.on]!;
            const questionId = step.card.split('#')[0]!;
            if (step.what === 'grade') {
              nextId = `${step.idPrefix.toString(16).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
              lastGrade[step.on] = (await grade(d.db, step.card, step.rating, now)).review.id;
              graded++;
            } else if (step.what === 'undo') {
              // Undo of this device's latest grade; refused (and nothing changes) once the card moved on.
              const id = lastGrade[step.on];
              lastGrade[step.on] = null;
              if (id && (await d.db.reviews.get(id))) {
                try {
                  await undoReview(d.db, id, now);
                  graded--;
                } catch (e) {
                  if (!(e instanceof UndoRefusedError)) throw e;
                }
              }
            } else if (step.what === 'note') await saveNote(d.db, questionId, step.text, now);
            else if (step.what === 'flag') await setFlagged(d.db, questionId, step.flag, now);
            else if (step.what === 'suspend') await setCardSuspended(d.db, step.card, step.flag, now);
            else if (step.what === 'settings') await updateSettings(d.db, { newPerDay: step.rating * (step.on + 1) }, now);
            else await syncRound(d, remote, now);
          }
          // Both reconnect (twice each, so merges one side knew better reach the other).
          for (let i = 0; i < 2; i++) for (const d of devices) await syncRound(d, remote, now);
          const [x, y] = [await snapshot(devices[0]!.db), await snapshot(devices[1]!.db)];
          expect(y).toEqual(x);
          expect(x.reviews).toHaveLength(graded);
          for (const card of x.cards.filter((c) => c.reps > 0)) {
            expect(card).toMatchObject((await replayLog(devices[0]!.db)).get(card.id)!);
          }
        }),
        { numRuns: FC_RUNS, ...(process.env.SYNC_FC_SEED ? { seed: Number(process.env.SYNC_FC_SEED) } : {}) },
      );
    } finally {
      ids.mockRestore();
    }
  }, Math.max(120_000, FC_RUNS * 2000));
});
