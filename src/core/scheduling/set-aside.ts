import type { ReviewSession } from './session.ts';

/**
 * Takes a card out of the rest of a session without grading it (buried or suspended):
 * it leaves the queue and the waiting learning cards; earlier grades stay undoable.
 */
export function setAsideCard(session: ReviewSession, cardId: string): ReviewSession {
  return {
    ...session,
    queue: session.queue.filter((id) => id !== cardId),
    waiting: session.waiting.filter((w) => w.id !== cardId),
  };
}
