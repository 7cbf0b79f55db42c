import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { ROOT, serveBuild } from '../e2e/browser.ts';
import { generatedQuestion } from './generate.ts';
import { seedProfile } from './chromium.ts';
import { CONDITIONS, timeInteraction } from './page-probes.ts';
import { median } from './report.ts';

/**
 * Library search in real Chromium, keystroke → painted list, with only generated own
 * questions (no 100k-card seed, about a minute). Opt-in, so `npm run bench` stays as it is:
 *
 *   npx vite build --outDir /tmp/rehearse-dist
 *   REHEARSE_SEARCH_BENCH=1 REHEARSE_DIST=/tmp/rehearse-dist npx vitest run --project bench tests/bench/search-keystrokes.bench-run.ts
 *
 * REHEARSE_SEARCH_QUESTIONS sets the collection size (default 10,000). REHEARSE_SEARCH_PROFILE=1
 * also prints where the page's main thread spent a typed query (build with --minify false to read names).
 */

const QUESTIONS = Number(process.env.REHEARSE_SEARCH_QUESTIONS ?? 10_000);
const QUERIES = ['gradient desc', 'attention cache'];
const BANK_QUESTIONS = readdirSync(join(ROOT, 'data'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .reduce((sum, d) => sum + readdirSync(join(ROOT, 'data', d.name)).filter((f) => f.endsWith('.md')).length, 0);
const TOTAL = QUESTIONS + BANK_QUESTIONS;

let server: PreviewServer | undefined;
let context: BrowserContext | undefined;
const dirs: string[] = [];

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const log = (line: string) => process.stderr.write(`[search-bench] ${line}\n`);
const round = (values: number[]) => values.map((v) => Math.round(v)).join(', ');

async function waitFor(page: Page, condition: string, timeout = 300_000): Promise<void> {
  await page.waitForFunction((source) => (0, eval)(`(${source})`)(), condition, { timeout });
}

/** Main-thread script time (ms) the page spent while `body` ran (CDP Performance metrics). */
async function scriptTime<T>(page: Page, body: () => Promise<T>): Promise<{ result: T; scriptMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
  };
  const before = await read();
  const result = await body();
  const scriptMs = (await read()) - before;
  await cdp.detach();
  return { result, scriptMs };
}

/** Types `text` one key at a time into the focused search box; ms per keystroke, input → painted count. */
async function typeTimed(page: Page, text: string): Promise<{ ms: number[]; scriptMs: number[] }> {
  const ms: number[] = [];
  const scriptMs: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const { result, scriptMs: script } = await scriptTime(page, () =>
      timeInteraction(page, CONDITIONS.searchDone(text.slice(0, i + 1)), () => page.keyboard.type(text[i]!), 120_000),
    );
    ms.push(result.ms);
    scriptMs.push(script);
  }
  return { ms, scriptMs };
}

/** Self time of the page's main thread while typing `text`, by function, most first (CDP CPU profile). */
async function profileTyping(page: Page, text: string): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await typeTimed(page, text);
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };
  };
  await cdp.detach();
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes as { id: number; children?: number[] }[]) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (id: number | undefined) => {
    const frame = id === undefined ? undefined : byNode.get(id)?.callFrame;
    return frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}` : '';
  };
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    // Built-ins (no URL) are named with their caller, so "continue" says whose cursor it is.
    const name = byNode.get(id)!.callFrame.url ? label(id) : `${label(id)} < ${label(parent.get(id))} < ${label(parent.get(parent.get(id) ?? -1))}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self]
    .filter(([name]) => !name.startsWith('(idle)') && !name.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([name, ms]) => `${Math.round(ms)} ms ${name}`)
    .join('\n');
}

const statusCount = async (page: Page) => Number(/^(\d+)/.exec((await page.locator('.actions p[role=status]').textContent()) ?? '')?.[1]);

describe.runIf(process.env.REHEARSE_SEARCH_BENCH)('Library search in Chromium', () => {
  it(`reports keystroke → painted list at ${QUESTIONS.toLocaleString('en')} own questions`, async () => {
    const served = await serveBuild();
    server = served.server;
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-search-bench-'));
    dirs.push(dir);
    const now = Date.now();
    const seeded = await seedProfile(dir, served.url, {
      questionSource: generatedQuestion.toString(),
      now,
      ownQuestions: QUESTIONS,
      reviews: 0,
      lastReviewAt: now - 86_400_000,
    });
    context = seeded.context;
    log(`seeded ${seeded.summary.customQuestions} own questions in ${Math.round(seeded.summary.ms)} ms`);
    const page = await context.newPage();
    const lines: string[] = [];

    // 1. A learner looks at the list for two seconds, then types (as npm run bench does).
    await page.goto(`${served.url}/library`);
    await waitFor(page, CONDITIONS.libraryCount(TOTAL));
    await page.waitForTimeout(2_000);
    await page.getByLabel('Search questions').click();
    for (const [n, query] of QUERIES.entries()) {
      if (n > 0) {
        await page.getByLabel('Search questions').fill('');
        await waitFor(page, CONDITIONS.libraryCount(TOTAL));
      }
      const { ms, scriptMs } = await typeTimed(page, query);
      lines.push(
        `"${query}" after 2 s on the list: first keystroke ${Math.round(ms[0]!)} ms, later median ${Math.round(median(ms.slice(1)))} ms, ` +
          `slowest ${Math.round(Math.max(...ms))} ms; main-thread script median ${Math.round(median(scriptMs))} ms/keystroke [${round(ms)}]`,
      );
      log(lines.at(-1)!);
    }
    // Every question holds an "e" somewhere: the count must be (nearly) the whole collection.
    await page.getByLabel('Search questions').fill('');
    await waitFor(page, CONDITIONS.libraryCount(TOTAL));
    const wide = await typeTimed(page, 'e');
    lines.push(`"e" (matches most questions): ${Math.round(wide.ms[0]!)} ms, ${(await statusCount(page)).toLocaleString('en')} results`);
    log(lines.at(-1)!);

    if (process.env.REHEARSE_SEARCH_PROFILE) {
      await page.getByLabel('Search questions').fill('');
      await waitFor(page, CONDITIONS.libraryCount(TOTAL));
      log(`main-thread self time typing "${QUERIES[0]}":\n${await profileTyping(page, QUERIES[0]!)}`);
    }

    // 2. Typing the moment the list shows (a fresh page: nothing built yet). Until the index
    // is built the screen answers from titles, topics and tags, marked partial: the first
    // key is timed to that answer and, separately, to the full one.
    await page.goto(`${served.url}/library`);
    await waitFor(page, CONDITIONS.libraryCount(TOTAL));
    await page.getByLabel('Search questions').click();
    const firstKey = QUERIES[0]![0]!;
    const partialAnswer = `() => { const t = document.querySelector('.actions p[role=status]')?.textContent ?? ''; return document.querySelector('input[type=search]')?.value === ${JSON.stringify(firstKey)} && /^\\d+ questions?/.test(t); }`;
    const quick = await timeInteraction(page, partialAnswer, () => page.keyboard.type(firstKey), 120_000);
    await waitFor(page, CONDITIONS.searchDoneAfterAnswer(firstKey));
    const fullMs = (await page.evaluate(() => performance.now() - window.__bench.inputAt));
    lines.push(`typing the moment the list shows: first answer (partial, titles/topics/tags) ${Math.round(quick.ms)} ms, full-text answer ${Math.round(fullMs)} ms after the key`);
    log(lines.at(-1)!);
    await page.getByLabel('Search questions').fill('');
    await waitFor(page, CONDITIONS.libraryCount(TOTAL));
    // Another query: the first key's answer is cached now, and typing it again would show no "Searching…".
    const eager = await typeTimed(page, QUERIES[1]!);
    lines.push(`"${QUERIES[1]}" typed right after that: first keystroke ${Math.round(eager.ms[0]!)} ms, later median ${Math.round(median(eager.ms.slice(1)))} ms [${round(eager.ms)}]`);
    log(lines.at(-1)!);

    console.log(['', `Library search, ${TOTAL.toLocaleString('en')} questions (${QUESTIONS.toLocaleString('en')} own), keystroke → next frame after the count shows:`, ...lines.map((l) => `- ${l}`), ''].join('\n'));
    expect(await statusCount(page)).toBeGreaterThan(0);
  });
});
