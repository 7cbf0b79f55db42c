import { runWrite } from '../../ui/write-failures.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../db/hooks/services.tsx';
import { loadAccount, replacedSinceSync, type SyncAccount } from '../../db/sync-repo.ts';
import type { SyncStatus } from '../../sync/sync-client.ts';

type Client = typeof import('../../sync/sync-client.ts');
// PouchDB and the sync code load only when the learner turns sync on (or it was on already).
const loadClient = (): Promise<Client> => import('../../sync/sync-client.ts');

function describe(status: SyncStatus): string {
  switch (status.state) {
    case 'connecting':
      return 'Signing in…';
    case 'syncing':
      if (status.total > 0) return `${status.phase === 'sending' ? 'Sending' : 'Syncing'} ${Math.min(status.done, status.total).toLocaleString('en')} of ${status.total.toLocaleString('en')}`;
      return 'Syncing…';
    case 'up-to-date':
      return 'Up to date';
    case 'offline':
      // Says what went wrong and when the next try is ("… Working offline; will retry in 4 s.").
      return status.message ?? 'Offline, will retry';
    case 'signed-out':
      return status.message ?? 'Signed out by the server — enter your password to sync again.';
    case 'error':
      return `Error: ${status.message ?? 'unknown'}`;
    default:
      return 'Not syncing';
  }
}

/** Settings → Sync: link this device to the learner's CouchDB database. */
export function SyncSection() {
  const { db, now } = useServices();
  const account = useLiveQuery(() => loadAccount(db), [db]);
  const replacedAt = useLiveQuery(() => replacedSinceSync(db), [db]);
  const [client, setClient] = useState<Client | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [server, setServer] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [other, setOther] = useState<SyncAccount | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (account) {
      setServer((s) => s || account.server);
      setUser((u) => u || account.user);
    }
    if (account?.connected && !client) void loadClient().then(setClient);
  }, [account, client]);

  useEffect(() => {
    if (!client) return;
    setStatus(client.syncStatus.getState());
    return client.syncStatus.subscribe(setStatus);
  }, [client]);

  async function submit(event: FormEvent, mixCollections = false, again?: SyncAccount) {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const c = client ?? (await loadClient());
      setClient(c);
      const target = again ? { server: again.server, user: again.user } : { server, user };
      const result = await c.connect(db, { ...target, password, mixCollections }, now());
      if (result.ok) {
        setOther(null);
        setMessage('Connected.');
      } else if ('otherAccount' in result) setOther(result.otherAccount);
      else setMessage(result.message);
    } finally {
      // The password is used once to open a session and never kept.
      setPassword('');
      setBusy(false);
    }
  }

  const connected = !!account?.connected;
  return (
    <fieldset>
      <legend>Sync</legend>
      <p>Keep this device in step with your other devices through your own CouchDB server.</p>
      {connected ? (
        <>
          <p>
            Signed in as <strong>{account.user}</strong> on {account.server}.
          </p>
          <p role="status" aria-live="polite">
            Sync status: {status ? describe(status) : 'starting…'}
          </p>
          {status?.state === 'syncing' && status.total > 0 && <progress max={status.total} value={Math.min(status.done, status.total)} aria-label="Sync progress" />}
          <p>Last sync: {status?.lastSyncAt ?? account.lastSyncAt ? new Date((status?.lastSyncAt ?? account.lastSyncAt)!).toLocaleString() : 'never'}</p>
          {status?.skipped.length && status.state !== 'offline' && status.message ? <p role="alert">{status.message}</p> : null}
          {status?.state === 'signed-out' && (
            <form onSubmit={(e) => void submit(e, false, account)} className="stack">
              <label>
                Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
              </label>
              <button type="submit" disabled={busy}>Sign in again</button>
            </form>
          )}
          <button type="button" onClick={() => client?.syncNow()}>Sync now</button>{' '}
          <button type="button" onClick={() => {
            // Refused (storage full): the one message says so, and sync carries on as before.
            if (client) void runWrite('Disconnecting', () => client.disconnect(db));
          }}>Disconnect</button>
          <p>Disconnecting keeps everything on this device.</p>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="stack">
          {account && replacedAt != null && (
            <p>
              This device’s data was replaced from a backup after it last synced. Connecting merges it with the server: reviews
              only on the server come back here, and this device’s reviews go to the server. Nothing is deleted on either side.
            </p>
          )}
          <label>
            Server URL <input type="url" value={server} onChange={(e) => setServer(e.target.value)} required placeholder="https://couch.example.org" />
          </label>
          <label>
            User name <input value={user} onChange={(e) => setUser(e.target.value)} required autoComplete="username" />
          </label>
          <label>
            Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
          </label>
          <button type="submit" disabled={busy}>Connect</button>
          {other && (
            <div role="alert">
              <p>
                This device was synced with {other.user} on {other.server}. Connecting to another account would mix the two
                collections: every review here would be added to that account.
              </p>
              <button type="button" onClick={(e) => void submit(e as unknown as FormEvent, true)} disabled={busy || !password}>
                Mix this device's collection into the new account
              </button>
            </div>
          )}
        </form>
      )}
      {message && <p role="alert">{message}</p>}
    </fieldset>
  );
}
