import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteRunningPage } from '../../src/db/unclean-exit.ts';

/**
 * The browser's Web Locks as the app sees them: a lock is held while its callback's promise is
 * pending, and every lock goes with the browser process. (jsdom has none; this is the platform,
 * not our code.)
 */
class BrowserLocks {
  private held = new Set<string>();
  request(name: string, callback: () => Promise<unknown>): Promise<unknown> {
    this.held.add(name);
    return callback().finally(() => this.held.delete(name));
  }
  async query() {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

/** A browser process: its locks. A kill or restart is a new one; IndexedDB and localStorage stay. */
function startBrowser() {
  Object.defineProperty(navigator, 'locks', { value: new BrowserLocks(), configurable: true });
}

/** One page of the app: its `pagehide` listeners, fired only when it closes normally. */
async function openPage(dbName = 'rehearse') {
  const listeners: EventListener[] = [];
  const add = window.addEventListener;
  window.addEventListener = ((type: string, listener: EventListener) => {
    if (type === 'pagehide') listeners.push(listener);
  }) as typeof window.addEventListener;
  try {
    const unclean = await noteRunningPage(dbName);
    return { unclean, close: () => listeners.forEach((l) => l(new Event('pagehide'))) };
  } finally {
    window.addEventListener = add;
  }
}

beforeEach(() => {
  localStorage.clear();
  startBrowser();
});
afterEach(async () => {
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase('rehearse-running');
    request.onsuccess = request.onerror = () => resolve();
  });
});

describe('noticing that the browser was killed with the app open (so LevelDB\'s reused log is retired)', () => {
  it('says nothing on the first launch, nor after the app was closed normally', async () => {
    const first = await openPage();
    expect(first.unclean).toBe(false);
    first.close();
    startBrowser();
    expect((await openPage()).unclean).toBe(false);
  });

  it('notices a kill even when localStorage lost everything written since the launch (it commits to disk seconds later)', async () => {
    await openPage();
    localStorage.clear();
    startBrowser();
    const relaunch = await openPage();
    expect(relaunch.unclean).toBe(true);
    // Noticed once: that launch closed normally, the next one is clean.
    relaunch.close();
    startBrowser();
    expect((await openPage()).unclean).toBe(false);
  });

  it('does not mistake another open tab for a crash, and notices it once the browser is killed with both open', async () => {
    await openPage();
    expect((await openPage()).unclean).toBe(false);
    startBrowser();
    expect((await openPage()).unclean).toBe(true);
  });

  it('keeps the pages of another database apart', async () => {
    await openPage('rehearse-other');
    startBrowser();
    expect((await openPage('rehearse')).unclean).toBe(false);
    expect((await openPage('rehearse-other')).unclean).toBe(true);
  });

  it('notices a kill left by the earlier version, which noted pages in localStorage only', async () => {
    localStorage.setItem('rehearse:running:rehearse:0d9c', '1764600000000');
    expect((await openPage()).unclean).toBe(true);
    expect(localStorage.getItem('rehearse:running:rehearse:0d9c')).toBeNull();
  });
});
