import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../db/hooks/services.tsx';
import { loadCardProgress, loadReviewTallies, type CardProgressData } from '../../db/stats-repo.ts';
import { loadDerivedBuild, type DerivedBuildState } from '../../db/derived-build.ts';
import type { DayTally } from '../../core/mastery/review-stats.ts';

export type ProgressLoad =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  /** The derived tables are still being built after the version 3 upgrade: their figures would be partial. */
  | { status: 'building'; build: DerivedBuildState }
  /** `tallies` is null until the review statistics are read (after the cards: mastery shows first). */
  | { status: 'ready'; data: CardProgressData; tallies: Map<string, DayTally> | null };

type Read<T> = { ok: true; value: T } | { ok: false; message: string };

async function attempt<T>(read: () => Promise<T>, what: string): Promise<Read<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, message: `Your ${what} could not be read: ${(error as Error).message}` };
  }
}

/**
 * Two live queries: the card digest and the year's review tallies, each re-read when its
 * table changes (e.g. a grade in another tab); a third follows the first build of those
 * tables after an update, during which nothing partial is shown.
 */
export function useProgressData(dayStartHour: number, settingsLoaded: boolean): ProgressLoad {
  const { db, now } = useServices();
  const build = useLiveQuery(() => attempt(() => loadDerivedBuild(db), 'progress'), [db]);
  const cards = useLiveQuery(() => attempt(() => loadCardProgress(db, now()), 'progress'), [db, now]);
  const tallies = useLiveQuery(
    async () => (settingsLoaded ? attempt(() => loadReviewTallies(db, now(), dayStartHour), 'review statistics') : undefined),
    [db, now, settingsLoaded, dayStartHour],
  );
  if (build?.ok && build.value) return { status: 'building', build: build.value };
  if (!build || !cards || !settingsLoaded) return { status: 'loading' };
  if (!build.ok) return { status: 'failed', message: build.message };
  if (!cards.ok) return { status: 'failed', message: cards.message };
  if (tallies && !tallies.ok) return { status: 'failed', message: tallies.message };
  return { status: 'ready', data: cards.value, tallies: tallies?.ok ? tallies.value : null };
}
