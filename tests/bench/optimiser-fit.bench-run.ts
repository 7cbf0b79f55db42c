import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ROOT, launchBrowser } from '../e2e/browser.ts';
import { DEFAULT_PARAMETERS } from '../../src/core/scheduling/fsrs.ts';
import { dayOffsetMinutes, groupByCard, toRevlogColumns } from '../../src/core/scheduling/optimiser.ts';
import { simulateLearner } from '../core/scheduling/simulated-learner.ts';
import { machineLine, megabytes, renderTable, type Row } from './report.ts';

/**
 * Part of `npm run bench` (issue 15): how long fsrs-rs (fsrs-browser, WebAssembly, single
 * thread) takes to fit 10,000 / 100,000 / 1,000,000 reviews in Chromium, in a Web Worker as
 * the app runs it, and how much memory the fit needed. The logs come from a simulated learner
 * whose memory follows FSRS-6. Timings are reported, never asserted.
 * `REHEARSE_OPTIMISER_SIZES=10000,100000` picks other sizes.
 */

const SIZES = (process.env.REHEARSE_OPTIMISER_SIZES ?? '10000,100000,1000000').split(',').map(Number);
/** A fit still running after this long is reported as "> cap" with how far it got (`REHEARSE_OPTIMISER_CAP_MS`). */
const FIT_CAP_MS = Number(process.env.REHEARSE_OPTIMISER_CAP_MS ?? 900_000);
const OFFSET = dayOffsetMinutes(-300, 4);
const LIB = join(ROOT, 'node_modules', 'fsrs-browser');

/** A learner with the default parameters, reviewed over 300 days, trimmed to `size` reviews. */
function logOf(size: number): Uint8Array {
  const cards = Math.ceil(size / 7);
  const log = simulateLearner(DEFAULT_PARAMETERS, cards, 300, size).slice(0, size);
  const c = toRevlogColumns(groupByCard(log));
  const n = c.cardIds.length;
  // 8-byte header (the count), then the columns, each aligned for its typed array.
  const bytes = new Uint8Array(8 + 16 * n + 2 * n);
  new DataView(bytes.buffer).setUint32(0, n, true);
  bytes.set(new Uint8Array(c.cardIds.buffer, c.cardIds.byteOffset, 8 * n), 8);
  bytes.set(new Uint8Array(c.reviewIds.buffer, c.reviewIds.byteOffset, 8 * n), 8 + 8 * n);
  bytes.set(c.ratings, 8 + 16 * n);
  bytes.set(c.kinds, 8 + 17 * n);
  return bytes;
}

// The worker loads fsrs-browser as the app's optimiser worker does and reports the fit's wall
// time and the WebAssembly memory afterwards (linear memory only grows: its size is the peak).
// fsrs-browser's memory is shared, so (with the page cross-origin isolated) the page can read
// fsrs-rs's progress counters and the memory size while the fit runs: a fit stopped at the cap
// still says how far it got.
const WORKER = `
import init, { Fsrs, Progress } from '/lib/fsrs_browser.js';
self.onmessage = async ({ data }) => {
  try {
    const buffer = await (await fetch('/log/' + data.size)).arrayBuffer();
    const n = new DataView(buffer).getUint32(0, true);
    const cids = new BigInt64Array(buffer, 8, n);
    const ids = new BigInt64Array(buffer, 8 + 8 * n, n);
    const eases = new Uint8Array(buffer, 8 + 16 * n, n);
    const types = new Uint8Array(buffer, 8 + 17 * n, n);
    const wasm = await init({ module_or_path: '/lib/fsrs_browser_bg.wasm' });
    console.log = () => {};
    const progress = Progress.new();
    self.postMessage({ started: true, memory: wasm.memory, pointer: progress.pointer() });
    const started = performance.now();
    const weights = new Fsrs().computeParametersAnki(data.offset, cids, eases, ids, types, progress, true);
    self.postMessage({ ms: performance.now() - started, reviews: n, wasmBytes: wasm.memory.buffer.byteLength, weights: Array.from(weights) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};`;

let server: Server | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

it('reports fit time and memory of the optimiser at 10k, 100k and 1M reviews in Chromium', async () => {
  const logs = new Map<string, Uint8Array>();
  const generatedAt = performance.now();
  for (const size of SIZES) logs.set(String(size), logOf(size));
  const generateMs = performance.now() - generatedAt;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    const send = (type: string, body: string | Uint8Array) =>
      res.writeHead(200, { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }).end(body);
    if (url === '/') return send('text/html', '<!doctype html><title>fit bench</title>');
    if (url === '/worker.js') return send('text/javascript', WORKER);
    if (url.startsWith('/log/') && logs.has(url.slice(5))) return send('application/octet-stream', logs.get(url.slice(5))!);
    if (url === '/lib/fsrs_browser.js') return send('text/javascript', readFileSync(join(LIB, 'fsrs_browser.js')));
    if (url === '/lib/fsrs_browser_bg.wasm') return send('application/wasm', readFileSync(join(LIB, 'fsrs_browser_bg.wasm')));
    if (url.startsWith('/lib/snippets/')) return send('text/javascript', readFileSync(join(LIB, url.slice(5))));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  browser = await launchBrowser();
  const rows: Row[] = [];
  const problems: string[] = [];
  for (const size of SIZES) {
    // A fresh page per size, so each fit's memory is its own.
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(
      ({ size, offset, cap }) =>
        new Promise<{ ms?: number; reviews?: number; wasmBytes?: number; weights?: number[]; error?: string; processed?: number; total?: number }>((resolve) => {
          const worker = new Worker('/worker.js', { type: 'module' });
          let running: { memory: WebAssembly.Memory; pointer: number } | null = null;
          const timer = setTimeout(() => {
            // Read before terminating: fsrs-rs's [batches done, batches in all] over its 5 epochs.
            const counters = running ? Array.from(new Uint32Array(running.memory.buffer, running.pointer, 2)) : [];
            const wasmBytes = running?.memory.buffer.byteLength;
            worker.terminate();
            resolve({ error: 'cap', processed: counters[0], total: counters[1], wasmBytes });
          }, cap);
          worker.onmessage = (event) => {
            if (event.data.started) {
              running = event.data;
              return;
            }
            clearTimeout(timer);
            worker.terminate();
            resolve(event.data);
          };
          worker.onerror = (event) => resolve({ error: event.message });
          worker.postMessage({ size, offset });
        }),
      { size, offset: OFFSET, cap: FIT_CAP_MS },
    );
    await page.close();
    const label = `optimiser fit, ${size.toLocaleString('en')} reviews`;
    if (result.error === 'cap') {
      const got = result.total ? `stopped at the cap after ${result.processed!.toLocaleString('en')} of ${result.total.toLocaleString('en')} training batches (5 epochs of 512-item batches)` : 'stopped at the cap before training started';
      rows.push({ measure: label, value: `> ${FIT_CAP_MS / 1000} s`, note: `${got}, WebAssembly memory ${result.wasmBytes ? megabytes(result.wasmBytes) : 'unknown'}` });
      continue;
    }
    if (result.error || !result.weights || result.weights.some((w) => !Number.isFinite(w))) {
      problems.push(`${size}: ${result.error ?? 'non-finite weights'}`);
      rows.push({ measure: label, value: null, note: 'failed' });
      continue;
    }
    rows.push({ measure: label, value: result.ms!, note: `${result.reviews!.toLocaleString('en')} log rows, WebAssembly memory ${megabytes(result.wasmBytes!)}` });
  }
  const version = browser.version();
  console.log(
    [
      '',
      renderTable(rows),
      '',
      machineLine(`Chromium ${version}`),
      `Simulated logs generated in node in ${Math.round(generateMs).toLocaleString('en')} ms (not part of the figures).`,
      '',
    ].join('\n'),
  );
  expect(problems, problems.join('; ')).toEqual([]);
});
