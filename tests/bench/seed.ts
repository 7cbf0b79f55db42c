/**
 * Page-side code for the benchmarks: seeding the app's database with raw IndexedDB, and
 * the "floor" measurements (raw IndexedDB doing the least the app's work could need).
 * Every exported function here runs inside Chromium through page.evaluate, so each is
 * self-contained: no imports or outer names at run time (types only).
 */
import type { CardRow, CustomQuestionRow, ReviewRow } from '../../src/db/database.ts';

export interface SeedPlan {
  /** Source text of generatedQuestion (tests/bench/generate.ts). */
  questionSource: string;
  now: number;
  /** Own questions to add (two cards each). */
  ownQuestions: number;
  reviews: number;
  /** No review is logged after this time (so none counts as done today). */
  lastReviewAt: number;
}

export interface SeedSummary {
  ms: number;
  idbVersion: number;
  cards: number;
  reviews: number;
  customQuestions: number;
  byState: Record<string, number>;
  reviewDueToday: number;
  learningDueNow: number;
}

/** Writes generated own questions, their cards and a review log into 'rehearse' (which the app created). */
export async function seedInPage(plan: SeedPlan): Promise<SeedSummary> {
  const started = performance.now();
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const makeQuestion = (0, eval)(`(${plan.questionSource})`) as (n: number, now: number) => CustomQuestionRow;
  let seed = 42;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (low: number, high: number) => low + rand() * (high - low);
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const write = (store: string, rows: unknown[]) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite', { durability: 'relaxed' });
      const objectStore = tx.objectStore(store);
      for (const row of rows) objectStore.put(row);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error(`seeding ${store} aborted`));
    });
  /** Writes batches while the next one is generated (IndexedDB commits in another process). */
  const pipeline = async (store: string, total: number, batch: number, make: (i: number) => unknown) => {
    let pending: Promise<void> | null = null;
    for (let from = 0; from < total; from += batch) {
      const rows: unknown[] = [];
      for (let i = from; i < Math.min(total, from + batch); i++) rows.push(make(i));
      if (pending) await pending;
      pending = write(store, rows);
    }
    if (pending) await pending;
  };

  const { now } = plan;
  const byState: Record<string, number> = { new: 0, learning: 0, relearning: 0, review: 0, suspended: 0 };
  let reviewDueToday = 0;
  let learningDueNow = 0;
  const studied: CardRow[] = [];
  const cards: CardRow[] = [];
  const dayEnd = (() => {
    const d = new Date(now);
    let start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), 4).getTime();
    if (start > now) start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, 4).getTime();
    const s = new Date(start);
    return new Date(s.getFullYear(), s.getMonth(), s.getDate() + 1, 4).getTime();
  })();
  for (let q = 0; q < plan.ownQuestions; q++) {
    for (const kind of ['answer', 'mistakes'] as const) {
      const r = rand();
      const base = { id: `own-${q}#${kind}`, questionId: `own-${q}`, kind, hidden: false, suspended: false };
      let card: CardRow;
      if (r < 0.15) {
        const due = now - Math.floor(between(0, 400)) * DAY;
        card = { ...base, due, stability: 0, difficulty: 0, state: 0, reps: 0, lapses: 0, lastReview: null, scheduledDays: 0, learningSteps: 0, bucket: 0 };
        byState.new!++;
      } else if (r < 0.152) {
        // Learning or relearning: due within a day either side of now.
        const relearning = rand() < 0.3;
        const due = Math.round(now + between(-DAY, DAY));
        card = {
          ...base, due, stability: between(0.5, 5), difficulty: between(3, 8), state: relearning ? 3 : 1,
          reps: relearning ? 6 : 1, lapses: relearning ? 1 : 0, lastReview: due - 10 * 60_000, scheduledDays: 0,
          learningSteps: 1, bucket: 1,
        };
        byState[relearning ? 'relearning' : 'learning']!++;
        if (due <= now) learningDueNow++;
      } else {
        // Review: due spread over the past 30 and next 300 days; last review before yesterday.
        const due = Math.round(now + between(-30 * DAY, 300 * DAY));
        const lastReview = Math.min(now - 26 * HOUR - Math.floor(between(0, 60)) * DAY, due - DAY);
        const scheduledDays = Math.max(1, Math.round((due - lastReview) / DAY));
        card = {
          ...base, due, stability: scheduledDays * between(0.9, 1.2), difficulty: between(2, 9), state: 2,
          reps: 2 + Math.floor(between(0, 18)), lapses: Math.floor(between(0, 3)), lastReview, scheduledDays,
          learningSteps: 0, bucket: 2,
        };
        byState.review!++;
        if (due < dayEnd) reviewDueToday++;
      }
      if (rand() < 0.005) {
        card = { ...card, suspended: true, bucket: 9 };
        byState.suspended!++;
        if (card.state === 2 && card.due < dayEnd) reviewDueToday--;
        if ((card.state === 1 || card.state === 3) && card.due <= now) learningDueNow--;
      }
      cards.push(card);
      if (card.state !== 0) studied.push(card);
    }
  }

  await pipeline('customQuestions', plan.ownQuestions, 10_000, (i) => makeQuestion(i, now));
  await pipeline('cards', cards.length, 25_000, (i) => cards[i]);
  const span = plan.lastReviewAt - (now - 365 * DAY);
  await pipeline('reviews', plan.reviews, 50_000, (i) => {
    const card = studied[i % studied.length]!;
    const x = rand();
    const rating = x < 0.08 ? 1 : x < 0.18 ? 2 : x < 0.93 ? 3 : 4;
    const reviewedAt = Math.round(plan.lastReviewAt - rand() * span);
    const stability = between(0.5, 200);
    const review: ReviewRow = {
      id: crypto.randomUUID(),
      cardId: card.id,
      rating: rating as ReviewRow['rating'],
      reviewedAt,
      durationMs: Math.round(between(3_000, 60_000)),
      before: {
        due: reviewedAt - Math.round(between(0, 3)) * DAY,
        stability,
        difficulty: between(2, 9),
        state: rand() < 0.9 ? 2 : 1,
        reps: 1 + Math.floor(between(0, 20)),
        lapses: Math.floor(between(0, 3)),
        lastReview: reviewedAt - Math.round(stability) * DAY,
        scheduledDays: Math.max(1, Math.round(stability)),
        learningSteps: 0,
      },
      config: '0.9|365|1m 10m|10m|',
    };
    return review;
  });

  const count = (store: string) =>
    new Promise<number>((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const summary: SeedSummary = {
    ms: performance.now() - started,
    idbVersion: db.version,
    cards: await count('cards'),
    reviews: await count('reviews'),
    customQuestions: await count('customQuestions'),
    byState,
    reviewDueToday,
    learningDueNow,
  };
  db.close();
  return summary;
}

/** Floor for the queue: the same [bucket+due] index ranges (and today's reviews) with raw getAll. */
export async function floorQueue(args: {
  now: number;
  dayStartHour: number;
  newRows: number;
  /** Review rows the day has room for (reviewsPerDay): the "limited" variant reads only these. */
  reviewRoom: number;
  runs: number;
}): Promise<{ ms: number[]; rows: number; limitedMs: number[]; countedMs: number[] }> {
  const { now } = args;
  const d = new Date(now);
  let start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), args.dayStartHour).getTime();
  if (start > now) start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, args.dayStartHour).getTime();
  const s = new Date(start);
  const end = new Date(s.getFullYear(), s.getMonth(), s.getDate() + 1, args.dayStartHour).getTime();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const ms: number[] = [];
  let rows = 0;
  for (let run = 0; run < args.runs; run++) {
    const t0 = performance.now();
    const tx = db.transaction(['cards', 'reviews'], 'readonly');
    const index = tx.objectStore('cards').index('[bucket+due]');
    const get = (request: IDBRequest<unknown[]>) =>
      new Promise<unknown[]>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const results = await Promise.all([
      get(index.getAll(IDBKeyRange.bound([1, -Infinity], [1, now + 1], false, true))),
      get(index.getAll(IDBKeyRange.bound([2, -Infinity], [2, end], false, true))),
      get(index.getAll(IDBKeyRange.bound([0, -Infinity], [0, [[]]], false, false), args.newRows)),
      get(tx.objectStore('reviews').index('reviewedAt').getAll(IDBKeyRange.lowerBound(start))),
    ]);
    ms.push(performance.now() - t0);
    rows = results.reduce((sum, r) => sum + r.length, 0);
  }
  // What a queue could read instead: only the day's room of most-overdue review rows, or
  // (for Today's counts) index counts.
  const limitedMs: number[] = [];
  const countedMs: number[] = [];
  for (let run = 0; run < args.runs; run++) {
    const tx = db.transaction(['cards'], 'readonly');
    const index = tx.objectStore('cards').index('[bucket+due]');
    const done = <T,>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    let t0 = performance.now();
    await Promise.all([
      done(index.getAll(IDBKeyRange.bound([1, -Infinity], [1, now + 1], false, true))),
      done(index.getAll(IDBKeyRange.bound([2, -Infinity], [2, end], false, true), args.reviewRoom)),
      done(index.getAll(IDBKeyRange.bound([0, -Infinity], [0, [[]]], false, false), args.newRows)),
    ]);
    limitedMs.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all([
      done(index.count(IDBKeyRange.bound([1, -Infinity], [1, now + 1], false, true))),
      done(index.count(IDBKeyRange.bound([2, -Infinity], [2, end], false, true))),
      done(index.getAll(IDBKeyRange.bound([0, -Infinity], [0, [[]]], false, false), args.newRows)),
    ]);
    countedMs.push(performance.now() - t0);
  }
  db.close();
  return { ms, rows, limitedMs, countedMs };
}

/**
 * What the review log's reviewedAt index costs to ask per study day: count() over the
 * last 30 days (Chromium visits every entry), and for the 365 days a "has any review"
 * check (openKeyCursor, first key only), which is all a streak needs.
 */
export async function floorDailyReads(args: { now: number; dayStartHour: number }): Promise<{
  count30Ms: number;
  count30Entries: number;
  exists365Ms: number;
  daysWithReviews: number;
}> {
  const d = new Date(args.now);
  let start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), args.dayStartHour).getTime();
  if (start > args.now) start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, args.dayStartHour).getTime();
  const s = new Date(start);
  const dayStart = (offset: number) => new Date(s.getFullYear(), s.getMonth(), s.getDate() - offset, args.dayStartHour).getTime();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const index = () => db.transaction('reviews').objectStore('reviews').index('reviewedAt');
  let t0 = performance.now();
  const count30Entries = await new Promise<number>((resolve, reject) => {
    const request = index().count(IDBKeyRange.bound(dayStart(30), start, false, true));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const count30Ms = performance.now() - t0;
  t0 = performance.now();
  const store = index();
  const flags = await Promise.all(
    Array.from({ length: 365 }, (_, i) =>
      new Promise<boolean>((resolve, reject) => {
        const request = store.openKeyCursor(IDBKeyRange.bound(dayStart(i + 1), dayStart(i), false, true));
        request.onsuccess = () => resolve(!!request.result);
        request.onerror = () => reject(request.error);
      }),
    ),
  );
  const exists365Ms = performance.now() - t0;
  db.close();
  return { count30Ms, count30Entries, exists365Ms, daysWithReviews: flags.filter(Boolean).length };
}

/** Floor for a grade: one strict read-write transaction putting a review row and a card row back. */
export async function floorGradeWrite(args: { runs: number }): Promise<number[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const first = (store: string) =>
    new Promise<unknown>((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).openCursor();
      request.onsuccess = () => resolve(request.result?.value);
      request.onerror = () => reject(request.error);
    });
  // Rewriting existing rows as they are: the same index work as a grade, no change to the data.
  const review = await first('reviews');
  const card = await first('cards');
  const ms: number[] = [];
  for (let run = 0; run < args.runs; run++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['cards', 'reviews'], 'readwrite', { durability: 'strict' });
      tx.objectStore('reviews').put(review);
      tx.objectStore('cards').put(card);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    ms.push(performance.now() - t0);
  }
  db.close();
  return ms;
}

/** Floor for screens that read a whole table: raw getAll of that store. */
export async function floorGetAll(args: { store: string; runs: number }): Promise<{ ms: number[]; rows: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('rehearse');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const ms: number[] = [];
  let rows = 0;
  for (let run = 0; run < args.runs; run++) {
    const t0 = performance.now();
    const result = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(args.store).objectStore(args.store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    ms.push(performance.now() - t0);
    rows = result.length;
  }
  db.close();
  return { ms, rows };
}
