// Runs Lighthouse (mobile, the default) against the production build served by
// `vite preview`, and prints the category scores. Usage: npm run lighthouse
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { preview } from 'vite';

const chrome = [process.env.CHROME_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
if (!chrome) throw new Error('Install Chromium (apt-get install -y chromium) or set CHROME_PATH');
if (!existsSync('dist/index.html')) throw new Error('No build: run `npx vite build` first (npm run lighthouse does).');

const server = await preview({ logLevel: 'silent', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
const { port } = server.httpServer.address();
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['/', '/library'];
const run = promisify(execFile);
try {
  for (const path of paths) {
    const url = `http://127.0.0.1:${port}${path}`;
    const { stdout } = await run(
      'npx',
      ['lighthouse', url, '--output=json', '--quiet', '--only-categories=performance,accessibility,best-practices,seo',
        '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync'],
      { env: { ...process.env, CHROME_PATH: chrome }, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout);
    const scores = Object.values(report.categories).map((c) => `${c.title} ${c.score}`).join(' · ');
    const metric = (id) => report.audits[id]?.displayValue ?? '—';
    console.log(`${path}: ${scores}`);
    console.log(`  FCP ${metric('first-contentful-paint')} · LCP ${metric('largest-contentful-paint')} · TBT ${metric('total-blocking-time')} · CLS ${metric('cumulative-layout-shift')}`);
    for (const audit of Object.values(report.audits)) {
      if (audit.score !== null && audit.score < 1 && audit.scoreDisplayMode === 'binary') console.log(`  failing: ${audit.id} — ${audit.title}`);
    }
  }
} finally {
  await server.close();
}
