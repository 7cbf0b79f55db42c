import { useEffect } from 'react';

/**
 * A screen with unsaved edits registers a warning here; the app's navigation asks before
 * leaving, and the browser asks before a reload or a closed tab. The app uses a plain
 * router (no data router), so react-router's blocker is not available.
 */
let warning: string | null = null;

export function useLeaveGuard(active: boolean, message: string): void {
  useEffect(() => {
    if (!active) return;
    warning = message;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = message;
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      if (warning === message) warning = null;
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [active, message]);
}

/** True when it is fine to leave (nothing unsaved, or the learner agreed to discard it). */
export function confirmLeave(): boolean {
  return warning === null || window.confirm(warning);
}
