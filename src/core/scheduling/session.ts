import type { MemoryState, Rating } from './fsrs.ts';

/** Default learn-ahead limit (Anki's): with nothing else left, a learning card due this soon is shown early. */
export const LEARN_AHEAD_MINUTES = 20;

export interface GradedEntry {
  cardId: string;
  reviewId: string;
  rating: Rating;
  /** Where the card was taken from, so undo can put it back exactly. */
  from: { queueIndex: number } | { waitingDue: number };
  waitingAdded: boolean;
  durationMs: number;
}

export interface ReviewSession {
  queue: string[];
  waiting: { id: string; due: number }[];
  graded: GradedEntry[];
  startedAt: number;
  /** How many cards the session set out to study; cards coming back after a grade are counted apart. */
  planned: number;
}

/** `later`: learning cards due later today, waiting in the session until they are due. */
export function startSession(cardIds: readonly string[], now: number, later: readonly { id: string; due: number }[] = []): ReviewSession {
  const queued = new Set(cardIds);
  const waiting = later.filter((w) => !queued.has(w.id)).sort((a, b) => a.due - b.due);
  return { queue: [...cardIds], waiting, graded: [], startedAt: now, planned: cardIds.length + waiting.length };
}

/**
 * The card to show now: a waiting learning card that is due, else the next queued
 * card, else a waiting card due within the learn-ahead limit, else none (the session is
 * done for now; waiting cards come back when due).
 */
export function currentCardId(session: ReviewSession, now: number, learnAheadMs: number): string | null {
  const dueWaiting = session.waiting.find((w) => w.due <= now);
  if (dueWaiting) return dueWaiting.id;
  if (session.queue.length) return session.queue[0] ?? null;
  const soon = session.waiting.find((w) => w.due <= now + learnAheadMs);
  return soon ? soon.id : null;
}

/** When the next waiting learning card falls due, or null when none waits. */
export function nextWaitingDue(session: ReviewSession): number | null {
  return session.waiting.length ? Math.min(...session.waiting.map((w) => w.due)) : null;
}

export function applyGrade(
  session: ReviewSession,
  cardId: string,
  rating: Rating,
  reviewId: string,
  next: MemoryState,
  durationMs: number,
  dayEnd: number,
): ReviewSession {
  const waitingIndex = session.waiting.findIndex((w) => w.id === cardId);
  const queueIndex = session.queue.indexOf(cardId);
  const from: GradedEntry['from'] =
    waitingIndex >= 0 ? { waitingDue: session.waiting[waitingIndex]!.due } : { queueIndex: Math.max(0, queueIndex) };
  const queue = session.queue.filter((id) => id !== cardId);
  let waiting = session.waiting.filter((w) => w.id !== cardId);
  const comesBackToday = (next.state === 1 || next.state === 3) && next.due < dayEnd;
  if (comesBackToday) waiting = [...waiting, { id: cardId, due: next.due }].sort((a, b) => a.due - b.due);
  return {
    ...session,
    queue,
    waiting,
    graded: [...session.graded, { cardId, reviewId, rating, from, waitingAdded: comesBackToday, durationMs }],
  };
}

/** Puts the last graded card back where it was; returns null when nothing can be undone. */
export function undoLast(session: ReviewSession): { session: ReviewSession; undone: GradedEntry } | null {
  const last = session.graded.at(-1);
  if (!last) return null;
  let waiting = last.waitingAdded ? session.waiting.filter((w) => w.id !== last.cardId) : session.waiting;
  const queue = [...session.queue];
  if ('queueIndex' in last.from) queue.splice(Math.min(last.from.queueIndex, queue.length), 0, last.cardId);
  else waiting = [...waiting, { id: last.cardId, due: last.from.waitingDue }].sort((a, b) => a.due - b.due);
  return { session: { ...session, queue, waiting, graded: session.graded.slice(0, -1) }, undone: last };
}

export interface SessionSummary {
  /** Distinct cards graded (a card relearnt three times counts once). */
  cards: number;
  /** Grades given, every repeat included. */
  reviews: number;
  timeSpentMs: number;
  againShare: number;
}

export function summarise(session: ReviewSession): SessionSummary {
  const reviews = session.graded.length;
  const again = session.graded.filter((g) => g.rating === 1).length;
  return {
    cards: new Set(session.graded.map((g) => g.cardId)).size,
    reviews,
    timeSpentMs: session.graded.reduce((sum, g) => sum + g.durationMs, 0),
    againShare: reviews ? again / reviews : 0,
  };
}

/**
 * Progress through the session: planned cards graded at least once, out of the cards
 * planned (a fixed total), and apart from it how many graded cards are coming back later
 * in the session (Again, learning steps), so the total never silently grows.
 */
export function sessionProgress(session: ReviewSession): { done: number; total: number; comingBack: number } {
  const pending = new Set([...session.queue, ...session.waiting.map((w) => w.id)]);
  const graded = new Set(session.graded.map((g) => g.cardId));
  let comingBack = 0;
  for (const id of graded) if (pending.has(id)) comingBack++;
  return { done: graded.size, total: session.planned, comingBack };
}
