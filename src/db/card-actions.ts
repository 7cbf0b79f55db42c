import { bucketOf, type RehearseDb } from './database.ts';
import { stampCardMeta, suspendedField, syncTables } from './sync-repo.ts';

/**
 * Card-level actions taken during a review. Neither is a grade, so neither writes to the
 * review log: the memory state stays exactly what replaying the log gives.
 */

/** Keeps the card out of every queue until `until` (the next study day's start). */
export async function buryCard(db: RehearseDb, cardId: string, until: number): Promise<void> {
  const changed = await db.cards.update(cardId, { buriedUntil: until });
  if (!changed) throw new Error(`Card ${cardId} no longer exists.`);
}

/** Suspends or restores one card; a suspended card leaves every queue until restored. */
export async function setCardSuspended(db: RehearseDb, cardId: string, suspended: boolean, now = Date.now()): Promise<void> {
  await db.transaction('rw', [db.cards, ...syncTables(db)], async () => {
    const card = await db.cards.get(cardId);
    if (!card) throw new Error(`Card ${cardId} no longer exists.`);
    await db.cards.put({ ...card, suspended, bucket: bucketOf({ ...card, suspended }) });
    await stampCardMeta(db, card.questionId, { [suspendedField(card.kind)]: suspended }, now);
  });
}

/** True while a bury set earlier still holds at `now`. */
export function isBuried(card: { buriedUntil?: number }, now: number): boolean {
  return typeof card.buriedUntil === 'number' && card.buriedUntil > now;
}
