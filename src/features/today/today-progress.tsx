import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { useQuestions } from '../../db/hooks/questions.ts';
import { formatPercent, preparingProgressText } from '../../ui/format.ts';
import { loadCardDigest, loadRecentReviewCounts } from '../../db/stats-repo.ts';
import { loadDerivedBuild } from '../../db/derived-build.ts';
import { digestCards } from '../../core/mastery/card-digest.ts';
import { masteryReport, type QuestionLookup } from '../../core/mastery/mastery.ts';
import { streaks } from '../../core/mastery/review-stats.ts';
import { TECHNOLOGIES } from '../../core/bank/question.ts';

const SHORT_LABELS: Record<string, string> = { python: 'Python', ml: 'ML', llm: 'LLMs' };

/**
 * One compact line for the Today screen: mastery per technology and the current streak,
 * e.g. "Python 42% · ML 10% · LLMs 0% — 3-day streak", linking to Progress.
 */
export function TodayProgress() {
  // Not needed for the first paint: nothing is read (not even the question list) until the
  // counts and "Start review" are on screen and the browser is idle.
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    // Cancelled on unmount: a callback after the screen is gone would update nothing (and, in tests, outlive the page).
    if (window.requestIdleCallback) {
      const id = window.requestIdleCallback(() => setIdle(true));
      return () => window.cancelIdleCallback(id);
    }
    const timer = window.setTimeout(() => setIdle(true), 50);
    return () => window.clearTimeout(timer);
  }, []);
  return idle ? <TodayProgressLine /> : null;
}

function TodayProgressLine() {
  const { db, now } = useServices();
  const { byId } = useQuestions();
  const { settings, loaded } = useSettings();
  const dayStartHour = settings.dayStartHour;
  const data = useLiveQuery(async () => {
    if (!loaded) return undefined;
    const at = now();
    // Until the first build after an update ends, the tables hold part of the collection.
    const build = await loadDerivedBuild(db);
    if (build) return { at, build };
    const [digest, counts] = await Promise.all([loadCardDigest(db), loadRecentReviewCounts(db, at, dayStartHour)]);
    return { at, digest, counts, build: null };
  }, [db, now, loaded, dayStartHour]);
  const lookup: QuestionLookup = useCallback((id) => byId.get(id), [byId]);

  const line = useMemo(() => {
    if (!data) return null;
    if (data.build) return { preparing: preparingProgressText(data.build.cards, data.build.reviews) };
    const rank = (key: string) => {
      const i = (TECHNOLOGIES as readonly string[]).indexOf(key);
      return i < 0 ? TECHNOLOGIES.length : i;
    };
    const technologies = masteryReport(digestCards(data.digest), lookup, data.at)
      .technologies.filter((t) => t.total > 0)
      .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
    const { current, currentMayBeLonger } = streaks(data.counts);
    return {
      mastery: technologies.map((t) => `${SHORT_LABELS[t.key] ?? t.key} ${formatPercent(t.mastery)}`).join(' · '),
      streak: current ? `${current}${currentMayBeLonger ? '+' : ''}-day streak` : 'No streak yet',
    };
  }, [data, lookup]);

  if (!line) return null;
  if ('preparing' in line) {
    return (
      <p className="today-progress" role="status">
        <Link to="/progress">{line.preparing}</Link>
      </p>
    );
  }
  return (
    <p className="today-progress">
      <Link to="/progress" aria-label={`Progress: mastery ${line.mastery || 'none yet'}; ${line.streak}`}>
        <span>{line.mastery || 'No cards yet'}</span>
        <span className="today-streak">{line.streak}</span>
      </Link>
    </p>
  );
}
