import { useEffect } from 'react';
import { useServices } from '../db/hooks/services.tsx';
import { useWriteFailure } from '../ui/write-failures.tsx';
import { writeFailureMessage } from '../core/write-errors.ts';
import { continueDerivedBuild, loadDerivedBuild } from '../db/derived-build.ts';

/** Longest wait between retries of a failed build step. */
const MAX_RETRY_MS = 60_000;

/** Between build steps: lets grades, input and painting go first. */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    if (window.requestIdleCallback) window.requestIdleCallback(() => resolve(), { timeout: 1_000 });
    else window.setTimeout(resolve, 0);
  });
}

/**
 * Fills the progress tables left empty by the version 3 upgrade (see db/derived-build.ts), in
 * small steps at idle moments, from launch on: the app is usable at once, and a closed tab or a
 * failed step resumes where it stopped. Nothing to do (the usual case) costs one read.
 */
export function DerivedBuild() {
  const { db } = useServices();
  useEffect(() => {
    const stop = new AbortController();
    let retry: number | undefined;
    let failures = 0;
    const run = async () => {
      try {
        if (!(await loadDerivedBuild(db))) return;
        await continueDerivedBuild(db, { pause: idle, signal: stop.signal });
      } catch (error) {
        if (stop.signal.aborted) return;
        // Said once: Progress keeps saying it is preparing, and each retry waits longer.
        if (failures++ === 0) useWriteFailure.getState().show(writeFailureMessage('Your progress figures, rebuilt after the update,', error));
        retry = window.setTimeout(() => void run(), Math.min(MAX_RETRY_MS, 1_000 * 2 ** failures));
      }
    };
    void run();
    return () => {
      stop.abort();
      window.clearTimeout(retry);
    };
  }, [db]);
  return null;
}
