import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { useReviewStore } from '../features/review/review-store.ts';
import { NOTICE_MS } from './notices.ts';

/**
 * Service-worker life cycle for the learner: a one-time "ready offline" note, a quiet
 * offline badge, and a new version that waits. A waiting update never reloads during a
 * review: it applies when the learner accepts, or on leaving a finished session.
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      // Look for a new version every hour while the app stays open.
      if (registration) setInterval(() => void registration.update().catch(() => undefined), 60 * 60_000);
    },
  });
  const online = useOnline();
  const reviewStatus = useReviewStore((s) => s.status);
  const location = useLocation();
  const [previousPath, setPreviousPath] = useState(location.pathname);

  useEffect(() => {
    const leftReview = previousPath === '/review' && location.pathname !== '/review';
    setPreviousPath(location.pathname);
    if (needRefresh && leftReview && reviewStatus !== 'active') void updateServiceWorker(true);
  }, [location.pathname]); // eslint-disable-line react-hooks/exhaustive-deps

  // "Ready offline" is news, not a task: it leaves by itself.
  useEffect(() => {
    if (!offlineReady) return;
    const timer = setTimeout(() => setOfflineReady(false), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [offlineReady, setOfflineReady]);

  const reviewing = reviewStatus === 'active';
  return (
    <div className="notices" aria-live="polite">
      {!online && <p className="notice offline-badge" role="status">Offline — your reviews are saved on this device</p>}
      {offlineReady && (
        <div className="notice" role="status">
          <span>Ready to work offline.</span>
          <button type="button" onClick={() => setOfflineReady(false)}>Dismiss</button>
        </div>
      )}
      {needRefresh && (
        <div className="notice" role="status">
          <span>
            Update available.{reviewing ? ' It will apply when you finish this session.' : ''}
          </span>
          <button type="button" onClick={() => void updateServiceWorker(true)}>Reload to update</button>
        </div>
      )}
    </div>
  );
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}
