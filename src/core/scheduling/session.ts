import type { MemoryState, Rating } from './fsrs.ts';

/** Cards graded into a short learning step come back in the same session once due. */
export const LEARN_AHEAD_MS = 20 * 60_000;

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
}

export function startSession(cardIds: readonly string[], now: number): ReviewSession {
  return { queue: [...cardIds], waiting: [], graded: [], startedAt: now };
}

/**
 * The card to show now: a waiting learning card that is due, else the next queued
 * card, else a waiting card within the learn-ahead window, else none (session over).
 */
export function currentCardId(session: ReviewSession, now: number): string | null {
  const dueWaiting = session.waiting.find((w) => w.due <= now);
  if (dueWaiting) return dueWaiting.id;
  if (session.queue.length) return session.queue[0] ?? null;
  const soon = session.waiting.find((w) => w.due <= now + LEARN_AHEAD_MS);
  return soon ? soon.id : null;
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
  reviewed: number;
  timeSpentMs: number;
  againShare: number;
}

export function summarise(session: ReviewSession): SessionSummary {
  const reviewed = session.graded.length;
  const again = session.graded.filter((g) => g.rating === 1).length;
  return {
    reviewed,
    timeSpentMs: session.graded.reduce((sum, g) => sum + g.durationMs, 0),
    againShare: reviewed ? again / reviewed : 0,
  };
}

/** Progress through the session: graded so far over graded plus what is left. */
export function sessionProgress(session: ReviewSession): { done: number; total: number } {
  const done = session.graded.length;
  return { done, total: done + session.queue.length + session.waiting.length };
}
