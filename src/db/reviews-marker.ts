import type { RehearseDb } from './database.ts';

/**
 * A note outside IndexedDB that this database held reviews. If the browser (or a crash) ever
 * recreates the database empty, the note survives and the app can say so instead of starting
 * over in silence. Keyed by database name: each database has its own.
 */
function markerKey(db: RehearseDb): string {
  return `rehearse:had-reviews:${db.name}`;
}

/** Whether any review is stored (one key read, not a count of the whole log). */
export async function hasReviews(db: RehearseDb): Promise<boolean> {
  return (await db.reviews.limit(1).primaryKeys()).length > 0;
}

export function reviewsMarked(db: RehearseDb): boolean {
  try {
    return localStorage.getItem(markerKey(db)) !== null;
  } catch {
    // localStorage can be disabled; then there is simply no marker.
    return false;
  }
}

export function markReviews(db: RehearseDb, present: boolean): void {
  try {
    if (present) localStorage.setItem(markerKey(db), '1');
    else localStorage.removeItem(markerKey(db));
  } catch {
    // Without localStorage only the detection is lost, never data.
  }
}
