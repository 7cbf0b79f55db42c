import { useEffect, useState } from 'react';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

// The browser fires this once, possibly before Settings is open: keep it for later.
let deferredInstall: BeforeInstallPromptEvent | null = null;
if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    deferredInstall = event as BeforeInstallPromptEvent;
  });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** Storage persistence, space used, and installing the app. */
export function DeviceSection() {
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  const [canInstall, setCanInstall] = useState(() => !!deferredInstall);
  const [installed, setInstalled] = useState(() => matchMedia?.('(display-mode: standalone)').matches ?? false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void navigator.storage?.persisted?.().then(setPersisted).catch(() => setPersisted(null));
    void navigator.storage?.estimate?.().then((e) => setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 })).catch(() => undefined);
    const onPrompt = () => setCanInstall(true);
    const onInstalled = () => {
      setInstalled(true);
      setCanInstall(false);
    };
    window.addEventListener('beforeinstallprompt', onPrompt);
    window.addEventListener('appinstalled', onInstalled);
    return () => {
      window.removeEventListener('beforeinstallprompt', onPrompt);
      window.removeEventListener('appinstalled', onInstalled);
    };
  }, []);

  async function askPersistence() {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    setPersisted(granted);
    setMessage(granted ? null : 'The browser declined for now. Installing Rehearse or using it regularly usually earns persistent storage.');
  }

  async function install() {
    const event = deferredInstall;
    if (!event) return;
    deferredInstall = null;
    setCanInstall(false);
    await event.prompt();
    const choice = await event.userChoice;
    if (choice.outcome === 'accepted') setInstalled(true);
  }

  return (
    <fieldset>
      <legend>This device</legend>
      <p>
        Storage:{' '}
        {persisted === null ? 'checking…' : persisted ? (
          <strong>persistent</strong>
        ) : (
          <>
            <strong>not persistent</strong> — the browser may clear it under storage pressure.{' '}
            <button type="button" onClick={() => void askPersistence()}>Ask to keep my data</button>
          </>
        )}
      </p>
      {estimate && (
        <p>
          Rehearse uses {formatBytes(estimate.usage)} of the {formatBytes(estimate.quota)} this browser allows it.
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {installed ? (
        <p>Rehearse is installed on this device.</p>
      ) : canInstall ? (
        <p>
          <button type="button" className="primary" onClick={() => void install()}>Install Rehearse</button>{' '}
          <span className="muted">Opens from your home screen or dock, full screen, offline.</span>
        </p>
      ) : (
        <p className="muted">To install, use your browser’s “Install app” or “Add to Home Screen” menu item.</p>
      )}
    </fieldset>
  );
}
