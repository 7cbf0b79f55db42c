import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../ui/app-context.tsx';
import { loadProgressData, primeReviewTallyCache, saveReviewTallyCache, type ProgressData } from '../../db/stats-repo.ts';

export type ProgressLoad = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: ProgressData };

/**
 * The screen's one live query: every card and the year's review tallies, re-read when
 * either table changes (e.g. a grade in another tab).
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

  const result = useLiveQuery(async (): Promise<ProgressLoad> => {
    if (!primed || !settingsLoaded) return { status: 'loading' };
    try {
      return { status: 'ready', data: await loadProgressData(db, now(), dayStartHour) };
    } catch (error) {
      return { status: 'failed', message: `Your progress could not be read: ${(error as Error).message}` };
    }
  }, [db, now, primed, settingsLoaded, dayStartHour]);

  const changed = result?.status === 'ready' && result.data.cacheChanged;
  useEffect(() => {
    if (changed) void saveReviewTallyCache(db).catch(() => undefined); // only a speed-up: losing it costs a re-read
  }, [db, changed, result]);

  return result ?? { status: 'loading' };
}
