import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../ui/app-context.tsx';
import {
  loadProgressData,
  primeReviewTallyCache,
  saveReviewTallyCache,
  tallyReviewDays,
  type ProgressData,
} from '../../db/stats-repo.ts';
import type { DayTally } from '../../core/mastery/review-stats.ts';

export type ProgressLoad =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  /** `tallies` is null while finished days are still being tallied (a first visit, a merged backup). */
  | { status: 'ready'; data: ProgressData; tallies: Map<string, DayTally> | null };

/**
 * The screen's one live query: every card, today's reviews and the year's stored day
 * tallies, re-read when either table changes (e.g. a grade in another tab). Days not yet
 * tallied are read once, outside the live query, and kept for later visits.
 */
export function useProgressData(dayStartHour: number, settingsLoaded: boolean): ProgressLoad {
  const { db, now } = useServices();
  // The stored tallies are read once, outside the live query (see primeReviewTallyCache).
  const [primed, setPrimed] = useState(false);
  useEffect(() => {
    let live = true;
    primeReviewTallyCache(db)
      .catch(() => undefined) // unreadable stored tallies are simply recomputed
      .finally(() => live && setPrimed(true));
    return () => {
      live = false;
    };
  }, [db]);

  const result = useLiveQuery(async () => {
    if (!primed || !settingsLoaded) return { status: 'loading' } as const;
    try {
      return { status: 'ready', data: await loadProgressData(db, now(), dayStartHour) } as const;
    } catch (error) {
      return { status: 'failed', message: `Your progress could not be read: ${(error as Error).message}` } as const;
    }
  }, [db, now, primed, settingsLoaded, dayStartHour]);

  const data = result?.status === 'ready' ? result.data : null;
  const [filled, setFilled] = useState<{ data: ProgressData; tallies: Map<string, DayTally> } | { data: ProgressData; error: string } | null>(null);
  useEffect(() => {
    if (!data) return;
    if (!data.missingDays.length) {
      // Only a speed-up: failing to store it costs a re-read next time.
      if (data.cacheChanged) void saveReviewTallyCache(db).catch(() => undefined);
      return;
    }
    let live = true;
    tallyReviewDays(db, data.missingDays)
      .then((tallies) => {
        if (live) setFilled({ data, tallies: new Map([...data.tallies, ...tallies]) });
        return saveReviewTallyCache(db).catch(() => undefined);
      })
      .catch((error: Error) => live && setFilled({ data, error: `Your review statistics could not be read: ${error.message}` }));
    return () => {
      live = false;
    };
  }, [db, data]);

  if (!result || result.status === 'loading') return { status: 'loading' };
  if (result.status === 'failed') return result;
  if (!result.data.missingDays.length) return { status: 'ready', data: result.data, tallies: result.data.tallies };
  if (filled?.data === result.data && 'error' in filled) return { status: 'failed', message: filled.error };
  return { status: 'ready', data: result.data, tallies: filled?.data === result.data && 'tallies' in filled ? filled.tallies : null };
}
