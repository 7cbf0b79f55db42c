import type { ReviewSession } from './session.ts';

/**
 * Takes a card out of the rest of a session without grading it (buried or suspended):
 * it leaves the queue and the waiting learning cards; earlier grades stay undoable.
 * A card set aside before its first grade in this session leaves the plan too, so the
 * progress line ("n of planned") still reaches its end; one graded already counts as done.
 */
export function setAsideCard(session: ReviewSession, cardId: string): ReviewSession {
  const pending = session.queue.includes(cardId) || session.waiting.some((w) => w.id === cardId);
  const graded = session.graded.some((g) => g.cardId === cardId);
  return {
    ...session,
    queue: session.queue.filter((id) => id !== cardId),
    waiting: session.waiting.filter((w) => w.id !== cardId),
    planned: pending && !graded ? Math.max(0, session.planned - 1) : session.planned,
  };
}
