import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './browser.ts';

/** Budgets from DESIGN.md (initial JS) and from the measured precache plus ~35% headroom. */
const INITIAL_JS_BUDGET_GZIP = 170 * 1024;
const PRECACHE_BUDGET = 1800 * 1024;
/** fsrs-rs compiled to WebAssembly (fsrs-browser 5.2.0 is 1,648 kB): precached so a fit works offline, loaded only when used. */
const OPTIMISER_WASM_BUDGET = 1750 * 1024;

const dist = process.env.REHEARSE_DIST ?? join(ROOT, 'dist');
const gzipSize = (file: string) => gzipSync(readFileSync(join(dist, file))).length;

describe('size budgets of the production build', () => {
  it('keeps the JavaScript needed for the first screen under 170 kB gzip', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(initial.length).toBeGreaterThan(0);
    const sizes = initial.map((file) => [file, gzipSize(file)] as const);
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    console.log(`initial JS (gzip): ${(total / 1024).toFixed(1)} kB — ${sizes.map(([f, s]) => `${f} ${(s / 1024).toFixed(1)} kB`).join(', ')}`);
    // The bank is loaded lazily: it must not be among the initial files.
    expect(initial.some((f) => f.includes('question-bank'))).toBe(false);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET_GZIP);
  });

  it('keeps the service worker precache within its budget and includes the bank', () => {
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    const urls = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!);
    const bankFiles = urls.filter((u) => u.includes('question-bank'));
    // Both the bank's index and its full texts work offline.
    expect(bankFiles.some((u) => u.includes('question-bank-index'))).toBe(true);
    expect(bankFiles.some((u) => !u.includes('question-bank-index'))).toBe(true);
    expect(urls).toContain('index.html');
    const wasm = urls.filter((u) => u.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    const wasmSize = statSync(join(dist, wasm[0]!)).size;
    const total = urls.filter((u) => !u.endsWith('.wasm')).reduce((sum, u) => sum + statSync(join(dist, u)).size, 0);
    const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    console.log(`optimiser WebAssembly: ${kB(wasmSize)} raw / ${kB(gzipSize(wasm[0]!))} gzip`);
    expect(wasmSize).toBeLessThanOrEqual(OPTIMISER_WASM_BUDGET);
    console.log(
      `precache without the WebAssembly: ${urls.length - 1} files, ${kB(total)} raw; ${bankFiles.map((f) => `${f} ${kB(statSync(join(dist, f)).size)} raw / ${kB(gzipSize(f))} gzip`).join('; ')}`,
    );
    expect(total).toBeLessThanOrEqual(PRECACHE_BUDGET);
  });
});
