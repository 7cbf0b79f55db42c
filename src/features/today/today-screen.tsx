import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { useServices, useSettings } from '../../ui/app-context.tsx';
import { formatWhen } from '../../ui/format.ts';
import { loadTodayQueue, nextDueAfter } from '../../db/cards-repo.ts';
import { countQueue } from '../../core/scheduling/queue.ts';
import { BackupReminder } from '../../ui/backup-reminder.tsx';
import { TodayProgress } from '../../ui/today-progress.tsx';


export default function TodayScreen() {
  const { db, now } = useServices();
  const { settings, loaded, problems } = useSettings();
  const today = useLiveQuery(async () => {
    if (!loaded) return undefined;
    const at = now();
    const queue = await loadTodayQueue(db, settings, at);
    const counts = countQueue(queue.cards);
    const next = queue.cards.length ? null : await nextDueAfter(db, at);
    return { counts, total: queue.cards.length, next, at, skipped: queue.skipped };
  }, [db, settings, loaded]);

  return (
    <section aria-labelledby="today-heading" className="stack">
      <h1 id="today-heading">Today</h1>
      {problems.length > 0 && (
        <p role="alert" className="alert">Some saved settings were invalid and defaults are used instead: {problems.join('; ')}</p>
      )}
      {!today ? (
        <p role="status">Counting today’s cards…</p>
      ) : (
        <>
          {today.skipped.length > 0 && (
            <p role="alert" className="alert">
              {today.skipped.length} damaged card record{today.skipped.length === 1 ? ' was' : 's were'} skipped: {today.skipped.slice(0, 3).join(', ')}.
            </p>
          )}
          <dl className="counts" aria-label="Due today">
            <div><dt>Learning</dt><dd>{today.counts.learning}</dd></div>
            <div><dt>Review</dt><dd>{today.counts.review}</dd></div>
            <div><dt>New</dt><dd>{today.counts.fresh}</dd></div>
          </dl>
          {today.total > 0 ? (
            <Link className="button primary big" to="/review">Start review</Link>
          ) : (
            <div className="done">
              <p><strong>All done for today.</strong></p>
              <p>{today.next ? `Your next card is due ${formatWhen(today.next, today.at)}.` : 'No reviews are scheduled yet.'}</p>
            </div>
          )}
          <TodayProgress />
          <BackupReminder />
        </>
      )}
    </section>
  );
}
