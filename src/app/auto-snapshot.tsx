import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { useServices } from '../db/hooks/services.tsx';
import { useWriteFailure } from '../ui/write-failures.tsx';
import { writeFailureMessage } from '../core/write-errors.ts';
import { takeDailySnapshot } from '../db/snapshot-repo.ts';

/**
 * Makes the daily automatic snapshot when it is due (at most once per study day, only when there
 * are reviews): at an idle moment after launch, and again whenever the learner leaves the review
 * screen (so a first session's reviews are kept the same day). Never while the review screen is
 * open: reading the whole collection would hold up a grade.
 */
export function AutoSnapshot() {
  const { db, now } = useServices();
  const reviewing = useLocation().pathname.startsWith('/review');
  useEffect(() => {
    if (reviewing) return;
    let cancelled = false;
    const run = () => {
      if (cancelled) return;
      takeDailySnapshot(db, now()).catch((error: unknown) => {
        // Not a learner's action, so only a failure is worth their attention (a success is silent).
        useWriteFailure.getState().show(writeFailureMessage('The automatic snapshot of your data', error));
      });
    };
    // Cancelled on unmount or on entering a review: a snapshot must not start under a grade.
    if (window.requestIdleCallback) {
      const id = window.requestIdleCallback(run, { timeout: 10_000 });
      return () => {
        cancelled = true;
        window.cancelIdleCallback(id);
      };
    }
    const timer = window.setTimeout(run, 1_000);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [db, now, reviewing]);
  return null;
}
