import type { BrowserContext, Page } from 'playwright-core';

/** One IndexedDB request the page made while tracing was on. */
export interface IdbTraceEntry {
  what: string;
  start: number;
  end: number;
  rows: number;
}

export interface Timing {
  /** When the input event that started the interaction fired (event.timeStamp); 0 for a navigation. */
  inputAt: number;
  /** When the DOM first satisfied the condition. */
  readyAt: number;
  /** Start of the next frame after that (the frame that paints it). */
  frameAt: number;
}

interface BenchProbes {
  arm(conditionSource: string, timeoutMs: number): void;
  result: Promise<Timing> | null;
  inputAt: number;
  armed: boolean;
  trace: IdbTraceEntry[] | null;
  markKeyboardGrades: boolean;
  coldStart: Promise<Timing> | null;
  /** First times (performance.now) of intermediate states that conditions record, by name; reset by arm. */
  firsts: Record<string, number>;
}

declare global {
  interface Window {
    __bench: BenchProbes;
  }
}

/**
 * Runs in every document of the bench context before the app's scripts (an init script,
 * so it must stay self-contained). It gives the bench:
 * - `arm(condition)`: a MutationObserver that timestamps the first DOM state satisfying a
 *   condition, and the input event (key, mouse, input/change) that came after arming;
 * - an optional trace of IndexedDB requests (store/index, method, rows, duration);
 * - for URLs with `#bench-cold` (or `#bench-cold-trace`, which also traces): the cold-start probe (Today ready, or for /robots.txt the
 *   floor: the blank document loaded and a raw indexedDB.open of 'rehearse' done).
 */
export function installBenchProbes(): void {
  const bench: BenchProbes = {
    result: null,
    inputAt: 0,
    armed: false,
    trace: null,
    markKeyboardGrades: false,
    coldStart: null,
    firsts: {},
    arm(conditionSource, timeoutMs) {
      const condition = (0, eval)(`(${conditionSource})`) as () => boolean;
      bench.inputAt = 0;
      bench.firsts = {};
      bench.armed = true;
      bench.result = watch(condition, timeoutMs, conditionSource);
    },
  };
  window.__bench = bench;

  function watch(condition: () => boolean, timeoutMs: number, label: string): Promise<Timing> {
    return new Promise((resolve, reject) => {
      let done = false;
      const check = () => {
        if (done) return;
        let ok = false;
        try {
          ok = !!condition();
        } catch {
          ok = false;
        }
        if (!ok) return;
        done = true;
        observer.disconnect();
        clearTimeout(timer);
        const readyAt = performance.now();
        requestAnimationFrame(() => {
          bench.armed = false;
          resolve({ inputAt: bench.inputAt, readyAt, frameAt: performance.now() });
        });
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      const timer = setTimeout(() => {
        done = true;
        observer.disconnect();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`));
      }, timeoutMs);
    });
  }

  // The first input event after arming starts the interaction's clock.
  for (const type of ['keydown', 'mousedown', 'input', 'change']) {
    addEventListener(
      type,
      (event) => {
        if (bench.armed && !bench.inputAt) bench.inputAt = event.timeStamp;
      },
      true,
    );
  }

  // The app marks 'rehearse:grade' only when a grade button is clicked; the 1–4 keys skip it.
  // The bench grades with the keyboard, so it sets the same mark at the key press.
  addEventListener(
    'keydown',
    (event) => {
      if (bench.markKeyboardGrades && ['1', '2', '3', '4'].includes((event as KeyboardEvent).key) && document.querySelector('.grades button')) {
        performance.mark('rehearse:grade');
      }
    },
    true,
  );

  // IndexedDB request trace (off unless bench.trace is an array).
  const wrap = (proto: object, method: string, kind: 'store' | 'index') => {
    const target = proto as Record<string, unknown>;
    const original = target[method] as ((...args: unknown[]) => IDBRequest) | undefined;
    if (typeof original !== 'function') return;
    target[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      const request = original.apply(this, args);
      const trace = bench.trace;
      if (trace) {
        const name = kind === 'index' ? `${(this as IDBIndex).objectStore.name}[${(this as IDBIndex).name}]` : this.name;
        const entry: IdbTraceEntry = { what: `${name}.${method}`, start: performance.now(), end: 0, rows: 0 };
        trace.push(entry);
        request.addEventListener('success', () => {
          entry.end = performance.now();
          const result: unknown = request.result;
          if (Array.isArray(result)) entry.rows = result.length;
          else if (method.startsWith('open')) entry.rows += result ? 1 : 0;
          else if (method === 'count') entry.rows = Number(result);
          else entry.rows = result === undefined ? 0 : 1;
        });
      }
      return request;
    };
  };
  for (const method of ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count', 'put', 'add', 'delete', 'clear']) {
    wrap(IDBObjectStore.prototype, method, 'store');
  }
  for (const method of ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count']) {
    wrap(IDBIndex.prototype, method, 'index');
  }

  if (location.hash.startsWith('#bench-cold')) {
    if (location.hash === '#bench-cold-trace') bench.trace = [];
    if (location.pathname === '/robots.txt') {
      // Floor: a blank document of the same origin, loaded, plus a raw open of the app's database.
      const opened = new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('rehearse');
        request.onsuccess = () => {
          request.result.close();
          resolve();
        };
        request.onerror = () => reject(request.error);
      });
      const loaded = new Promise<void>((resolve) => addEventListener('load', () => resolve(), { once: true }));
      bench.coldStart = Promise.all([opened, loaded]).then(() => {
        const at = performance.now();
        return { inputAt: 0, readyAt: at, frameAt: at };
      });
    } else {
      // Today's second wave (the mastery/streak line, read when the browser is idle), when present.
      watch(() => !!document.querySelector('.today-progress'), 120_000, 'today-progress')
        .then((t) => {
          bench.firsts.todayProgress = t.frameAt;
        })
        .catch(() => undefined);
      bench.coldStart = watch(
        () =>
          !!document.querySelector('dl.counts dd') &&
          [...document.querySelectorAll('a')].some((a) => a.textContent === 'Start review'),
        120_000,
        'Today with Start review',
      );
    }
  }
}

export async function addProbes(context: BrowserContext): Promise<void> {
  await context.addInitScript(installBenchProbes);
}

/** Conditions, as page-side source text (they run inside Chromium). */
export const CONDITIONS = {
  todayReady: `() => !!document.querySelector('dl.counts dd') && [...document.querySelectorAll('a')].some((a) => a.textContent === 'Start review')`,
  showAnswer: `() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Show answer')`,
  gradeButtons: `() => !!document.querySelector('.grades button')`,
  /**
   * Progress: ready = heading and a table shown, no "Computing your progress…"; complete = no
   * loading status left (e.g. the review history). Ready's time goes to firsts.ready.
   */
  progressComplete: `() => {
    const main = document.querySelector('main');
    const ready = !!document.querySelector('#progress-heading') && !!main?.querySelector('table') && !/Computing your progress/.test(main?.textContent ?? '');
    if (ready && !window.__bench.firsts.ready) window.__bench.firsts.ready = performance.now();
    return ready && ![...main.querySelectorAll('[role=status]')].some((e) => e.textContent.trim().endsWith('…'));
  }`,
  todaySettled: `() => !!document.querySelector('dl.counts dd') && !!document.querySelector('.today-progress')`,
  libraryCount: (count: number) =>
    `() => document.querySelector('.actions p[role=status]')?.textContent === ${JSON.stringify(`${count} question${count === 1 ? '' : 's'}`)}`,
  /** After typing: the box holds `value`, a search ran ('Searching…') and its count is shown. */
  /** The full (not partial) count for `value` is shown, whatever showed before. */
  searchDoneAfterAnswer: (value: string) => `() => {
    const input = document.querySelector('input[type=search]');
    const text = document.querySelector('.actions p[role=status]')?.textContent ?? '';
    return !!input && input.value === ${JSON.stringify(value)} && /^\\d+ questions?$/.test(text);
  }`,
  searchDone: (value: string) => `(() => {
    let searched = false;
    return () => {
      const input = document.querySelector('input[type=search]');
      const text = document.querySelector('.actions p[role=status]')?.textContent ?? '';
      if (!input || input.value !== ${JSON.stringify(value)}) return false;
      if (text === 'Searching…') searched = true;
      return searched && /^\\d+ questions?$/.test(text);
    };
  })()`,
  /** The export finished: its notice, or an alert saying why not. */
  backupSaved: `() => /^Backup saved as/.test(document.querySelector('.backup-notice')?.textContent ?? '') || !!document.querySelector('.backup-section [role=alert]')`,
  backupPreview: `() => !!document.querySelector('#backup-preview-heading') || !!document.querySelector('.backup-section [role=alert]')`,
  importDone: `() => /^(Merged|This device now holds)/.test(document.querySelector('.backup-notice')?.textContent ?? '') || !!document.querySelector('.backup-section [role=alert]')`,
} as const;

/**
 * Arms a condition, performs the action (a click or key press from Playwright), and
 * returns input → next frame after the DOM showed the result, in ms.
 */
export async function timeInteraction(
  page: Page,
  condition: string,
  action: () => Promise<unknown>,
  timeoutMs = 120_000,
): Promise<Timing & { ms: number; firsts: Record<string, number> }> {
  await page.evaluate(([source, timeout]) => window.__bench.arm(source, timeout), [condition, timeoutMs] as const);
  await action();
  const timing = await page.evaluate(async () => ({ ...(await window.__bench.result!), firsts: window.__bench.firsts }));
  if (!timing.inputAt) throw new Error(`no input event was seen for ${condition}`);
  // Intermediate states, as ms since the input.
  const firsts = Object.fromEntries(Object.entries(timing.firsts).map(([k, v]) => [k, v - timing.inputAt]));
  return { ...timing, firsts, ms: timing.frameAt - timing.inputAt };
}

export async function startTrace(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__bench.trace = [];
  });
}

export async function stopTrace(page: Page): Promise<IdbTraceEntry[]> {
  return page.evaluate(() => {
    const trace = window.__bench.trace ?? [];
    window.__bench.trace = null;
    return trace;
  });
}

/**
 * The traced requests grouped by store/index and method, slowest first, each with its wall
 * span (first start to last end: parallel requests are not added up), e.g.
 * "customQuestions.getAll 49,940 rows 412 ms".
 */
export function summariseTrace(trace: IdbTraceEntry[], top = 4): string {
  const groups = new Map<string, { rows: number; start: number; end: number; calls: number }>();
  for (const entry of trace) {
    const g = groups.get(entry.what) ?? { rows: 0, start: entry.start, end: entry.start, calls: 0 };
    g.rows += entry.rows;
    g.start = Math.min(g.start, entry.start);
    g.end = Math.max(g.end, entry.end || entry.start);
    g.calls++;
    groups.set(entry.what, g);
  }
  return [...groups]
    .sort((a, b) => b[1].end - b[1].start - (a[1].end - a[1].start))
    .slice(0, top)
    .map(([what, g]) => `${what}${g.calls > 1 ? ` ×${g.calls}` : ''} ${g.rows.toLocaleString('en')} rows ${Math.round(g.end - g.start).toLocaleString('en')} ms`)
    .join('; ');
}
