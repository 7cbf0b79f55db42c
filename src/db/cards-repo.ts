import Dexie from 'dexie';
import { planBankSync } from '../core/bank/cards.ts';
import type { QuestionSummary } from '../core/bank/question.ts';
import {
  grade,
  newMemory,
  replay,
  scheduleConfigFrom,
  encodeConfig,
  RESET_RATING,
  type MemoryState,
  type Rating,
} from '../core/scheduling/fsrs.ts';
import { buildQueue, type QueueCard } from '../core/scheduling/queue.ts';
import { studyDay } from '../core/scheduling/day.ts';
import type { Settings } from '../core/settings.ts';
import { BUCKET, bucketOf, type CardRow, type RehearseDb, type ReviewRow } from './database.ts';
import { getMeta, setMeta } from './settings-repo.ts';
import { hasReviews, markReviews } from './reviews-marker.ts';
import { isBuried } from './card-actions.ts';
import { queueReviews, queueUndo, stampCardMeta, suspendedField, syncTables } from './sync-repo.ts';

export const OWN_PREFIX = 'own-';
/** The first key after every id that starts with OWN_PREFIX ('.' follows '-'). */
const AFTER_OWN_IDS = 'own.';

export function memoryOf(card: MemoryState): MemoryState {
  const { due, stability, difficulty, state, reps, lapses, lastReview, scheduledDays, learningSteps } = card;
  return { due, stability, difficulty, state, reps, lapses, lastReview, scheduledDays, learningSteps };
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A row damaged outside the app must not take the queue down with it. */
export function isSoundCardRow(row: unknown): row is CardRow {
  const c = row as CardRow;
  return (
    typeof c === 'object' && c !== null &&
    typeof c.id === 'string' && typeof c.questionId === 'string' &&
    isFiniteNumber(c.due) && isFiniteNumber(c.stability) && isFiniteNumber(c.difficulty) &&
    [0, 1, 2, 3].includes(c.state) && isFiniteNumber(c.reps) && isFiniteNumber(c.lapses) &&
    (c.lastReview === null || isFiniteNumber(c.lastReview)) &&
    isFiniteNumber(c.scheduledDays) && isFiniteNumber(c.learningSteps)
  );
}

/**
 * Brings the cards in line with the bank shipped in this version; skipped when the
 * bank has not changed since the last sync. Returns what changed.
 */
export async function syncBankCards(
  db: RehearseDb,
  bank: { version: string; questions: readonly QuestionSummary[] },
  now: number,
): Promise<{ added: number; hidden: number; unhidden: number; skipped: boolean }> {
  if ((await getMeta<string>(db, 'bankVersion')) === bank.version) return { added: 0, hidden: 0, unhidden: 0, skipped: true };
  return db.transaction('rw', db.cards, db.settings, async () => {
    // Bank cards only, by key range: the learner's own cards ('own-…', sorting before 'own.')
    // can be a hundred thousand rows, and this runs after every import.
    const bankRows = await Promise.all([
      db.cards.where(':id').below(OWN_PREFIX).toArray(),
      db.cards.where(':id').aboveOrEqual(AFTER_OWN_IDS).toArray(),
    ]);
    const existing = bankRows.flat().map((card) => ({ id: card.id, hidden: !!card.hidden }));
    const plan = planBankSync(existing, bank.questions);
    const rows: CardRow[] = plan.add.map((c, index) => {
      // New cards' due orders their introduction: earlier rank, earlier due.
      const memory = newMemory(now + index);
      return { ...memory, id: c.id, questionId: c.questionId, kind: c.kind, suspended: false, hidden: false, bucket: BUCKET.new };
    });
    await db.cards.bulkAdd(rows);
    for (const [ids, hidden] of [[plan.hide, true], [plan.unhide, false]] as const) {
      if (!ids.length) continue;
      const cards = (await db.cards.bulkGet(ids)).filter((c): c is CardRow => !!c);
      await db.cards.bulkPut(cards.map((c) => ({ ...c, hidden, bucket: bucketOf({ ...c, hidden }) })));
    }
    await setMeta(db, 'bankVersion', bank.version);
    return { added: rows.length, hidden: plan.hide.length, unhidden: plan.unhide.length, skipped: false };
  });
}

export interface TodayQueue {
  cards: QueueCard[];
  /** Learning cards that fall due later today (after now, before the day ends), soonest first. */
  later: QueueCard[];
  /** Card rows that failed the sanity check and were left out. */
  skipped: string[];
  dayEnd: number;
}

/** Today's queue from index ranges on [bucket+due]. */
/** Due review cards read per free review slot when choosing today's backlog. */
const REVIEW_CANDIDATES_PER_SLOT = 3;

export interface QueueOptions {
  /** Only cards that pass (a focused session). */
  filter?: (card: CardRow) => boolean;
  /** Also review cards not yet due (practice ahead), soonest due first, up to this many. */
  aheadLimit?: number;
  /** New cards allowed regardless of today's new-card limit (studying one chosen question). */
  ignoreNewLimit?: boolean;
  /** "Study more": up to this many new cards, whatever today's new-card limit and count. */
  moreNew?: number;
}

export async function loadTodayQueue(
  db: RehearseDb,
  settings: Settings,
  now: number,
  options: QueueOptions = {},
): Promise<TodayQueue> {
  const { filter } = options;
  const { start, end } = studyDay(now, settings.dayStartHour);
  return db.transaction('r', db.cards, db.reviews, async () => {
    const skipped: string[] = [];
    const sound = (rows: unknown[]) =>
      rows.filter((row): row is CardRow => {
        if (isSoundCardRow(row)) return !isBuried(row, now) && (!filter || filter(row));
        skipped.push(String((row as { id?: unknown })?.id ?? 'unknown'));
        return false;
      });
    const range = (bucket: number, upTo: unknown) =>
      db.cards.where('[bucket+due]').between([bucket, Dexie.minKey], [bucket, upTo], true, false);
    const [learning, laterLearning, doneToday] = await Promise.all([
      range(BUCKET.learning, now + 1).toArray(),
      db.cards.where('[bucket+due]').between([BUCKET.learning, now + 1], [BUCKET.learning, end], true, false).toArray(),
      db.reviews.where('reviewedAt').aboveOrEqual(start).toArray().then((rows) => rows.filter((r) => r.rating !== RESET_RATING)),
    ]);
    // With a backlog, read only the most overdue candidates (index order) rather than every
    // due card, then let the queue pick the lowest recall among them.
    const reviewRoom = Math.max(0, settings.reviewsPerDay - doneToday.filter((r) => r.before.state === 2).length);
    const reviews = filter
      ? await range(BUCKET.review, end).toArray()
      : await range(BUCKET.review, end).limit(reviewRoom * REVIEW_CANDIDATES_PER_SLOT).toArray();
    const newDoneToday = doneToday.filter((r) => r.before.state === 0).length;
    const newPerDay = options.ignoreNewLimit
      ? Number.MAX_SAFE_INTEGER
      : options.moreNew !== undefined
        ? newDoneToday + options.moreNew
        : settings.newPerDay;
    const wantNew = Math.max(0, newPerDay - newDoneToday);
    // Siblings may be skipped, so read a few more new cards than the room left.
    const fresh = wantNew ? await range(BUCKET.new, Dexie.maxKey).limit(filter ? 100_000 : wantNew * 3 + 10).toArray() : [];
    const cards = buildQueue({
      learning: sound(learning),
      reviews: sound(reviews),
      fresh: sound(fresh),
      reviewsDoneToday: doneToday.filter((r) => r.before.state === 2).length,
      newDoneToday,
      newPerDay,
      reviewsPerDay: settings.reviewsPerDay,
      now,
    });
    const later = sound(laterLearning);
    if (options.aheadLimit) {
      const queued = new Set(cards.map((c) => c.id));
      const [learningTomorrow, laterReviews] = await Promise.all([
        db.cards.where('[bucket+due]').between([BUCKET.learning, end], [BUCKET.learning, Dexie.maxKey], true, true).toArray(),
        db.cards.where('[bucket+due]').between([BUCKET.review, end], [BUCKET.review, Dexie.maxKey], true, true).toArray(),
      ]);
      const ahead = sound([...learningTomorrow, ...laterReviews])
        .filter((c) => !queued.has(c.id))
        .sort((a, b) => a.due - b.due)
        .slice(0, options.aheadLimit);
      cards.push(...ahead);
    }
    return { cards, later, skipped, dayEnd: end };
  });
}

/** When the next card falls due after today, for the "all done" message. */
export async function nextDueAfter(db: RehearseDb, time: number): Promise<number | null> {
  const firsts = await Promise.all(
    [BUCKET.learning, BUCKET.review].map((bucket) =>
      db.cards.where('[bucket+due]').between([bucket, time], [bucket, Dexie.maxKey], true, true).first(),
    ),
  );
  const dues = firsts.filter((c): c is CardRow => !!c).map((c) => c.due);
  return dues.length ? Math.min(...dues) : null;
}

/** How many new cards are left to introduce, counting up to `limit` (what "Study more" can offer). */
export async function newCardsLeft(db: RehearseDb, limit: number): Promise<number> {
  return db.cards.where('[bucket+due]').between([BUCKET.new, Dexie.minKey], [BUCKET.new, Dexie.maxKey]).limit(limit).primaryKeys().then((keys) => keys.length);
}

export class CardNotFoundError extends Error {}

/**
 * Records a grade: the log row and the new card state commit together, or neither does.
 * The state is computed inside the transaction from the card as stored then, so a grade
 * from another tab is never lost. `now` is when the learner's recall was checked (the
 * moment the grade buttons' intervals were computed); the grade is logged at that time
 * unless another grade of this card committed at or after it, in which case it is logged
 * just after that one: the log's time order is the commit order, so replay agrees.
 */
export async function gradeCard(
  db: RehearseDb,
  input: { cardId: string; rating: Rating; now: number; durationMs: number; settings: Settings },
): Promise<{ review: ReviewRow; card: CardRow }> {
  const graded = await db.transaction('rw', [db.cards, db.reviews, ...syncTables(db)], async () => {
    const [card, logged] = await Promise.all([
      db.cards.get(input.cardId),
      db.reviews.where('cardId').equals(input.cardId).toArray(),
    ]);
    if (!card) throw new CardNotFoundError(`Card ${input.cardId} does not exist`);
    const latest = logged.reduce((max, r) => Math.max(max, r.reviewedAt), -Infinity);
    const at = Math.max(input.now, latest + 1);
    const config = scheduleConfigFrom(input.settings, at);
    const before = memoryOf(card);
    const next = grade(card.id, before, input.rating, at, config);
    const review: ReviewRow = {
      id: crypto.randomUUID(),
      cardId: card.id,
      rating: input.rating,
      reviewedAt: at,
      durationMs: Math.max(0, Math.round(input.durationMs)),
      before,
      config: encodeConfig(config),
    };
    const updated: CardRow = { ...card, ...next, bucket: bucketOf({ ...card, ...next }) };
    await db.reviews.add(review);
    await db.cards.put(updated);
    await queueReviews(db, [review], at);
    return { review, card: updated };
  });
  // Once committed: the database now holds reviews, whatever later happens to it.
  markReviews(db, true);
  return graded;
}

export class UndoRefusedError extends Error {}

/**
 * Removes one review and restores the card to its state before it, together. Refused when
 * the review is not the card's last in replay order (another grade of the card committed
 * after it, perhaps in another tab): removing it would leave the card unlike its log.
 */
export async function undoReview(db: RehearseDb, reviewId: string, now = Date.now()): Promise<CardRow> {
  const undone = await db.transaction('rw', [db.cards, db.reviews, ...syncTables(db)], async () => {
    const review = await db.reviews.get(reviewId);
    if (!review) throw new UndoRefusedError('That review is no longer in the log.');
    const log = sortReviews(await db.reviews.where('cardId').equals(review.cardId).toArray());
    if (log.at(-1)!.id !== review.id) {
      throw new UndoRefusedError('This card was graded again after that (perhaps in another tab), so that grade cannot be undone.');
    }
    const card = await db.cards.get(review.cardId);
    if (!card) throw new UndoRefusedError('The card of that review no longer exists.');
    // The card as the rest of its log makes it. Not simply the state before this grade: a review
    // synced from another device since then may sort before it (equal or earlier time), and the
    // state this grade started from never included it.
    const rest = log.slice(0, -1);
    const memory = rest.length ? replay(review.cardId, rest[0]!.before, rest) : review.before;
    const restored: CardRow = { ...card, ...memory, bucket: bucketOf({ ...card, ...memory }) };
    await db.reviews.delete(reviewId);
    await db.cards.put(restored);
    await queueUndo(db, review, now);
    return restored;
  });
  // The learner removed the last review themselves: an empty log next time is no loss.
  if (!(await hasReviews(db))) markReviews(db, false);
  return undone;
}

/** Reviews of one card in time order (ties broken by id, so every device agrees). */
export function sortReviews<T extends Pick<ReviewRow, 'reviewedAt' | 'id'>>(reviews: T[]): T[] {
  return reviews.sort((a, b) => a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every reviewed card's state computed from the log alone. */
export async function replayLog(db: RehearseDb): Promise<Map<string, MemoryState>> {
  const byCard = new Map<string, ReviewRow[]>();
  await db.reviews.each((review) => {
    const list = byCard.get(review.cardId);
    if (list) list.push(review);
    else byCard.set(review.cardId, [review]);
  });
  const states = new Map<string, MemoryState>();
  for (const [cardId, reviews] of byCard) {
    sortReviews(reviews);
    states.set(cardId, replay(cardId, reviews[0]!.before, reviews));
  }
  return states;
}

/** Rewrites the card cache from the log (used after merges and to repair). */
export async function rebuildCardsFromLog(db: RehearseDb): Promise<number> {
  const states = await replayLog(db);
  return db.transaction('rw', db.cards, async () => {
    const cards = (await db.cards.bulkGet([...states.keys()])).filter((c): c is CardRow => !!c);
    await db.cards.bulkPut(cards.map((c) => {
      const m = states.get(c.id)!;
      return { ...c, ...m, bucket: bucketOf({ ...c, ...m }) };
    }));
    return cards.length;
  });
}


/** Suspends or restores every card of a question; suspended cards leave every queue. */
export async function setQuestionSuspended(db: RehearseDb, questionId: string, suspended: boolean, now = Date.now()): Promise<void> {
  await db.transaction('rw', [db.cards, ...syncTables(db)], async () => {
    const cards = await db.cards.where('questionId').equals(questionId).toArray();
    await db.cards.bulkPut(cards.map((c) => ({ ...c, suspended, bucket: bucketOf({ ...c, suspended }) })));
    await stampCardMeta(db, questionId, Object.fromEntries(cards.map((c) => [suspendedField(c.kind), suspended])), now);
  });
}

export interface HistoryEntry extends ReviewRow {
  /** Days until the card was due again after this review. */
  intervalDays: number | null;
}

/** Every review of a question's cards, newest first, with the interval each grade set. */
export async function questionHistory(db: RehearseDb, questionId: string): Promise<{ cards: CardRow[]; reviews: HistoryEntry[] }> {
  return db.transaction('r', db.cards, db.reviews, async () => {
    const cards = await db.cards.where('questionId').equals(questionId).toArray();
    const reviews = sortReviews(await db.reviews.where('cardId').anyOf(cards.map((c) => c.id)).toArray());
    // The interval a grade set is the next review's "before.due", or the card's due for the latest one.
    const entries: HistoryEntry[] = reviews.map((r, i) => {
      const nextOfSameCard = reviews.slice(i + 1).find((x) => x.cardId === r.cardId);
      const due = nextOfSameCard ? nextOfSameCard.before.due : cards.find((c) => c.id === r.cardId)?.due;
      return { ...r, intervalDays: due === undefined ? null : (due - r.reviewedAt) / 86_400_000 };
    });
    return { cards, reviews: entries.reverse() };
  });
}

/**
 * Starts a question's cards over as new. Logged as a reset entry, so replaying the log
 * (undo, merges) arrives at the same state and the earlier history stays visible.
 */
export async function resetQuestionProgress(db: RehearseDb, questionId: string, now: number): Promise<number> {
  return db.transaction('rw', [db.cards, db.reviews, ...syncTables(db)], async () => {
    const cards = (await db.cards.where('questionId').equals(questionId).toArray()).filter((c) => c.state !== 0 || c.reps > 0);
    for (const card of cards) {
      const id = crypto.randomUUID();
      await queueReviews(db, [{ id }], now);
      await db.reviews.add({
        id,
        cardId: card.id,
        rating: RESET_RATING,
        reviewedAt: now,
        durationMs: 0,
        before: memoryOf(card),
        config: '',
      });
      const fresh = newMemory(now);
      await db.cards.put({ ...card, ...fresh, bucket: bucketOf({ ...card, ...fresh }) });
    }
    return cards.length;
  });
}

/** Every card that takes part in reviews (not suspended, its question still in the bank), for the retention helper. */
export async function loadForecastCards(db: RehearseDb): Promise<{ id: string; memory: MemoryState }[]> {
  const rows = await db.cards.filter((c) => !c.suspended && !c.hidden).toArray();
  return rows.map((c) => ({ id: c.id, memory: memoryOf(c) }));
}
