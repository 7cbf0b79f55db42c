import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../ui/app-context.tsx';
import { loadProgressData, type ProgressData } from '../../db/stats-repo.ts';

export type ProgressLoad =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; data: ProgressData };

/**
 * The screen's one live query: the card digest and the year's review tallies, re-read
 * when either changes (e.g. a grade in another tab).
 */
export function useProgressData(dayStartHour: number, settingsLoaded: boolean): ProgressLoad {
  const { db, now } = useServices();
  const result = useLiveQuery(async (): Promise<ProgressLoad> => {
    if (!settingsLoaded) return { status: 'loading' };
    try {
      return { status: 'ready', data: await loadProgressData(db, now(), dayStartHour) };
    } catch (error) {
      return { status: 'failed', message: `Your progress could not be read: ${(error as Error).message}` };
    }
  }, [db, now, settingsLoaded, dayStartHour]);
  return result ?? { status: 'loading' };
}
