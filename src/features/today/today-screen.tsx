import { useCallback, useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { formatWhen } from '../../ui/format.ts';
import { loadTodayQueue, nextDueAfter } from '../../db/cards-repo.ts';
import { countQueue } from '../../core/scheduling/queue.ts';
import { BackupReminder } from './backup-reminder.tsx';
import { TodayProgress } from './today-progress.tsx';
import { Countdown } from '../../ui/countdown.tsx';
import { SettingsProblems } from '../../ui/settings-problems.tsx';
import { LostReviewsAlert } from './lost-reviews-alert.tsx';

/** However far the next change is, Today re-reads at least this often (a sleeping laptop's timers drift). */
const MAX_WAIT_MS = 10 * 60_000;


export default function TodayScreen() {
  const { db, now } = useServices();
  const { settings, loaded, problems } = useSettings();
  // Bumped when a learning card falls due or the study day ends, so Today re-reads by itself.
  const [tick, setTick] = useState(0);
  const bump = useCallback(() => setTick((t) => t + 1), []);
  const today = useLiveQuery(async () => {
    if (!loaded) return undefined;
    const at = now();
    const queue = await loadTodayQueue(db, settings, at);
    const counts = countQueue(queue.cards);
    const nextLearning = queue.later[0]?.due ?? null;
    // Learning cards due later today count as today's learning; within the learn-ahead limit they can be studied now.
    const startable = queue.cards.length > 0 || (nextLearning !== null && nextLearning <= at + settings.learnAheadMinutes * 60_000);
    const next = queue.cards.length || queue.later.length ? null : await nextDueAfter(db, at);
    return {
      counts: { ...counts, learning: counts.learning + queue.later.length },
      learningDueNow: counts.learning,
      later: queue.later.length,
      nextLearning,
      startable,
      wakeAt: Math.min(nextLearning ?? Infinity, queue.dayEnd),
      next,
      at,
      skipped: queue.skipped,
    };
  }, [db, settings, loaded, tick]);

  useEffect(() => {
    if (!today) return;
    const timer = setTimeout(bump, Math.max(1_000, Math.min(today.wakeAt - now(), MAX_WAIT_MS)));
    return () => clearTimeout(timer);
  }, [today, now, bump]);

  return (
    <section aria-labelledby="today-heading" className="stack">
      <h1 id="today-heading">Today</h1>
      <LostReviewsAlert />
      <SettingsProblems problems={problems} fixHint="Settings shows them and saving there fixes them." />
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
          {today.later > 0 && (
            <p className="learning-later">
              {today.learningDueNow > 0 && <>{today.learningDueNow} learning card{today.learningDueNow === 1 ? ' is' : 's are'} due now; </>}
              {today.later} learning card{today.later === 1 ? ' comes' : 's come'} back later today, the next {formatWhen(today.nextLearning!, today.at)}
              {' '}(in <Countdown until={today.nextLearning!} now={now} onDone={bump} />).
            </p>
          )}
          {today.startable ? (
            <Link className="button primary big" to="/review">Start review</Link>
          ) : today.later > 0 ? (
            <div className="done">
              <p><strong>All done for now.</strong> Start review shows here when the next learning card is due.</p>
            </div>
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
