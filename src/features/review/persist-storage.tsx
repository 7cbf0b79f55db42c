import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useServices } from '../../db/hooks/services.tsx';
import { getMeta, setMeta } from '../../db/settings-repo.ts';

/** Meta key: when persistent storage was asked for after a session, and whether the browser agreed. */
export const PERSIST_ASKED_KEY = 'persistAsked';

/**
 * After a finished session the learner has something to lose: ask the browser once to keep this
 * site's data (not on the first visit, when there is nothing to keep and a prompt would be noise).
 * A refusal gets a short note on what it means; Settings → This device can ask again later.
 */
export function PersistStorageRequest() {
  const { db, now } = useServices();
  const [refused, setRefused] = useState(false);
  // StrictMode runs effects twice; the browser must be asked once.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
      if (!storage?.persist || !storage.persisted) return;
      if ((await getMeta(db, PERSIST_ASKED_KEY)) !== undefined) return;
      if (await storage.persisted()) {
        await setMeta(db, PERSIST_ASKED_KEY, { at: now(), granted: true });
        return;
      }
      const granted = await storage.persist();
      await setMeta(db, PERSIST_ASKED_KEY, { at: now(), granted });
      if (!granted) setRefused(true);
    })().catch(() => {
      // Not recording the question only means it is asked again after the next session.
    });
  }, [db, now]);

  if (!refused) return null;
  return (
    <p role="status" className="muted persist-note">
      This browser did not agree to keep Rehearse’s data for good: it may clear it if the device runs short of
      space. Keep a backup now and then in <Link to="/settings">Settings → Backup</Link>.
    </p>
  );
}
