import { loggedGradeOf, type LoggedGrade } from '../core/scheduling/optimiser.ts';
import { normaliseParameters } from '../core/scheduling/fsrs.ts';
import type { Settings } from '../core/settings.ts';
import type { RehearseDb, ReviewRow } from './database.ts';
import { updateSettings } from './settings-repo.ts';

const PAGE = 5000;

/**
 * The whole review log as the optimiser needs it (card, grade, time, phase before), read in
 * pages of the primary key so a million rows never sit in memory as full row objects.
 * Damaged rows are left out and counted (`unreadable`). `onProgress` gets the rows read so far.
 */
export async function readGradeLog(db: RehearseDb, onProgress?: (read: number) => void): Promise<{ log: LoggedGrade[]; unreadable: number }> {
  const log: LoggedGrade[] = [];
  let unreadable = 0;
  let read = 0;
  let last: string | undefined;
  for (;;) {
    const page: ReviewRow[] = await (last === undefined ? db.reviews.orderBy(':id') : db.reviews.where(':id').above(last))
      .limit(PAGE)
      .toArray();
    for (const row of page) {
      const entry = loggedGradeOf(row);
      if (entry) log.push(entry);
      else unreadable++;
    }
    read += page.length;
    onProgress?.(read);
    if (page.length < PAGE) return { log, unreadable };
    last = page[page.length - 1]!.id;
  }
}

export type FitRecord = NonNullable<Settings['lastFit']>;

/** Keeps a fit's outcome; the weights change only when the fit was better (`applied`). */
export async function saveFit(db: RehearseDb, weights: readonly number[] | null, record: FitRecord, now = Date.now()) {
  const change: Partial<Settings> = { lastFit: record };
  if (record.applied) {
    const usable = weights && normaliseParameters(weights);
    if (!usable) throw new Error('The fitted parameters are not usable; your current ones are unchanged.');
    change.fsrsParameters = usable;
  }
  return updateSettings(db, change, now);
}

export async function resetParameters(db: RehearseDb, now = Date.now()) {
  return updateSettings(db, { fsrsParameters: null }, now);
}
