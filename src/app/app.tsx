import { WriteFailureAlert } from '../ui/write-failures.tsx';
import { lazy, Suspense, useEffect, useState, type MouseEvent } from 'react';
import { BrowserRouter, MemoryRouter, NavLink, Route, Routes } from 'react-router';
import type { RehearseDb } from '../db/database.ts';
import { loadBank, type Bank } from '../db/bank.ts';
import { syncBankCards } from '../db/cards-repo.ts';
import { loadAccount } from '../db/sync-repo.ts';
import { noteRunningPage, retireReusedLog } from '../db/unclean-exit.ts';
import { ServicesProvider, useSettings, type Services } from '../db/hooks/services.tsx';
import TodayScreen from '../features/today/today-screen.tsx';
import { UpdatePrompt } from './update-prompt.tsx';
import { confirmLeave } from '../ui/leave-guard.ts';
import { ReviewsMarkerSync } from './reviews-marker-sync.tsx';
import { AutoSnapshot } from './auto-snapshot.tsx';
import { DerivedBuild } from './derived-build.tsx';

/** Unsaved edits (Settings) are not lost to a tap on the navigation without a question. */
function guardLeave(event: MouseEvent<HTMLAnchorElement>) {
  if (!confirmLeave()) event.preventDefault();
}

const ReviewScreen = lazy(() => import('../features/review/review-screen.tsx'));
const SettingsScreen = lazy(() => import('../features/settings/settings-screen.tsx'));
const LibraryScreen = lazy(() => import('../features/library/library-screen.tsx'));
const QuestionScreen = lazy(() => import('../features/library/question-screen.tsx'));
const OwnQuestionForm = lazy(() => import('../features/library/own-question-form.tsx'));
const ProgressScreen = lazy(() => import('../features/progress/progress-screen.tsx'));

export interface AppProps {
  db: RehearseDb;
  now: () => number;
  /** Tests render at a path without a browser history. */
  initialPath?: string;
}

export function App({ db, now, initialPath }: AppProps) {
  const [services, setServices] = useState<Services | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const [bank, unclean] = await Promise.all([loadBank(), noteRunningPage(db.name)]);
      // Before anything else is written, and before the learner can close the app again.
      if (unclean) await retireReusedLog(db);
      await syncBankCards(db, bank, now());
      if (!cancelled) setServices({ db, bank, now });
      // Sync resumes only where the learner turned it on: PouchDB is not in the initial JavaScript.
      if ((await loadAccount(db))?.connected) void import('../sync/sync-client.ts').then((m) => m.resume(db)).catch(() => undefined);
    })().catch((error: Error) => {
      if (!cancelled) setFailure(describeStartupError(error));
    });
    return () => {
      cancelled = true;
    };
  }, [db, now]);

  useEffect(() => {
    // Another tab opened a newer version of the database: this one must step aside.
    const onVersionChange = () => {
      db.close();
      setFailure('Rehearse was updated in another tab. Reload this tab to keep studying with the new version.');
    };
    db.on('versionchange', onVersionChange);
    return () => db.on('versionchange').unsubscribe(onVersionChange);
  }, [db]);

  const Router = initialPath ? MemoryRouter : BrowserRouter;
  const routerProps = initialPath ? { initialEntries: [initialPath] } : {};
  return (
    <Router {...routerProps}>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <span className="brand" aria-hidden="true">Rehearse</span>
        <nav aria-label="Main">
          <NavLink to="/" end onClick={guardLeave}>Today</NavLink>
          <NavLink to="/library" onClick={guardLeave}>Library</NavLink>
          <NavLink to="/progress" onClick={guardLeave}>Progress</NavLink>
          <NavLink to="/settings" onClick={guardLeave}>Settings</NavLink>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {failure ? (
          <div role="alert" className="alert">
            <p>{failure}</p>
            <button type="button" onClick={() => location.reload()}>Reload</button>
          </div>
        ) : !services ? (
          <OpeningNotice />
        ) : (
          <ServicesProvider services={services}>
            <ThemeSync />
            <WriteFailureAlert />
            <ReviewsMarkerSync />
            <AutoSnapshot />
            <DerivedBuild />
            <Suspense fallback={<p role="status">Loading…</p>}>
              <Routes>
                <Route path="/" element={<TodayScreen />} />
                <Route path="/review" element={<ReviewScreen />} />
                <Route path="/library" element={<LibraryScreen />} />
                <Route path="/library/new" element={<OwnQuestionForm />} />
                <Route path="/library/:questionId" element={<QuestionScreen />} />
                <Route path="/library/:questionId/edit" element={<OwnQuestionForm />} />
                <Route path="/progress" element={<ProgressScreen />} />
                <Route path="/settings" element={<SettingsScreen />} />
                <Route path="*" element={<p>That page does not exist. Use the navigation above.</p>} />
              </Routes>
            </Suspense>
          </ServicesProvider>
        )}
      </main>
      {!initialPath && <UpdatePrompt />}
    </Router>
  );
}

/** Shown while the database opens; after an update a big collection is prepared once, which takes a while. */
function OpeningNotice() {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_OPEN_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div role="status">
      <p>Opening your collection…</p>
      {slow && (
        <p className="muted">
          Still working. After an update, Rehearse prepares a large collection once (up to a minute for a million reviews),
          or waits for another tab with an older version to close. Your reviews are safe.
        </p>
      )}
    </div>
  );
}

const SLOW_OPEN_MS = 2_000;

function describeStartupError(error: Error): string {
  if (error.name === 'VersionError') {
    return 'Your data was saved by a newer version of Rehearse. Reload to get that version.';
  }
  if (error.name === 'InvalidStateError' || error.name === 'MissingAPIError' || error.name === 'OpenFailedError') {
    return `Rehearse cannot open its storage in this browser (${error.message}). Private windows in some browsers block it.`;
  }
  return `Rehearse could not start: ${error.message}`;
}

/** Applies the theme setting: "system" leaves it to prefers-color-scheme. */
function ThemeSync() {
  const { settings } = useSettings();
  useEffect(() => {
    const root = document.documentElement;
    if (settings.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = settings.theme;
  }, [settings.theme]);
  return null;
}
