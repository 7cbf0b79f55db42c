// Lighthouse (mobile, its default throttling) on every route of the production build, several
// runs each, printing medians. Builds nothing itself (`npm run lighthouse` builds first).
//
//   node src/build/lighthouse.mjs [--runs N] [--out DIR] [--port P] [ROUTE…]
//   node src/build/lighthouse.mjs --compare DIR… [--runs N] [ROUTE…]      (npm run lighthouse:compare -- DIR…)
//
// Routes default to the six screens: /, /review, /library, a question page, /progress, /settings.
// --compare serves dist/ and each DIR (another built PWA: a folder with an index.html) side by
// side, each on its own loopback port, and alternates the runs (A B A B …) so a busy machine
// slows every app alike; one table of medians follows. --out keeps every JSON report.
// Each run is a first visit (a fresh Chromium profile). Scores and metrics are medians taken
// column by column over the runs.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

/** A built app: a folder with an index.html. */
const isBuild = (path) => existsSync(join(path, 'index.html'));

function parseArgs(argv) {
  const options = { runs: 5, compare: [], routes: [], out: null, port: 0 };
  let comparing = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--out') options.out = resolve(argv[++i]);
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--compare') comparing = true;
    // After --compare, a built folder is another app; anything else starting with / is a route.
    else if (comparing && isBuild(arg)) options.compare.push(resolve(arg));
    else if (arg.startsWith('/')) options.routes.push(arg);
    else fail(comparing ? `${arg} is no built folder (no index.html in it)` : `Unknown argument: ${arg}`);
  }
  if (comparing && !options.compare.length) fail('--compare needs at least one built folder (one with an index.html)');
  if (!Number.isInteger(options.runs) || options.runs < 1) fail('--runs needs a whole number ≥ 1');
  return options;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** One bank question's page: the first question file's id (the router serves /library/:questionId). */
function questionRoute() {
  const data = join(ROOT, 'data');
  for (const tech of readdirSync(data).sort()) {
    const dir = join(data, tech);
    if (!statSync(dir).isDirectory()) continue;
    const file = readdirSync(dir).sort().find((f) => f.endsWith('.md'));
    const id = file && /^id:\s*["']?([^"'\s]+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1];
    if (id) return `/library/${id}`;
  }
  return '/library';
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.xml', '.wasm']);

/**
 * A small static server for a built folder, as a plain host would serve it: gzip when the
 * browser accepts it, hashed assets cached for a year, and any path that is no file answered
 * with index.html (the single-page app's router takes it from there).
 */
function serveFolder(dir, port) {
  const gzipped = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = resolve(dir, `.${path}`);
    if (!file.startsWith(dir + sep) && file !== dir) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      const index = join(file, 'index.html');
      file = existsSync(index) ? index : join(dir, 'index.html');
    }
    const ext = extname(file);
    let body = readFileSync(file);
    const headers = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body));
      body = gzipped.get(file);
      headers['Content-Encoding'] = 'gzip';
      headers.Vary = 'Accept-Encoding';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveServer(server));
  });
}

const run = promisify(execFile);
const chrome = [process.env.CHROME_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
const lighthouseBin = join(ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js');

async function lighthouse(url) {
  const { stdout } = await run(
    process.execPath,
    [lighthouseBin, url, '--output=json', '--quiet', '--only-categories=performance,accessibility,best-practices,seo',
      '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync'],
    { env: { ...process.env, CHROME_PATH: chrome }, maxBuffer: 256 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const CATEGORIES = [['performance', 'perf'], ['accessibility', 'a11y'], ['best-practices', 'bp'], ['seo', 'seo']];
const METRICS = [['first-contentful-paint', 'FCP', 'ms'], ['largest-contentful-paint', 'LCP', 'ms'], ['total-blocking-time', 'TBT', 'ms'], ['cumulative-layout-shift', 'CLS', '']];

function summarise(report) {
  const row = {};
  for (const [id, label] of CATEGORIES) row[label] = report.categories[id]?.score ?? null;
  for (const [id, label] of METRICS) row[label] = report.audits[id]?.numericValue ?? null;
  // Lighthouse's own CPU benchmark for the run: low means a busy machine (times then inflate).
  row.cpu = report.environment?.benchmarkIndex ?? null;
  // Audits that cost points: binary ones failed, or metric-like ones scored under 0.9.
  row.failing = Object.values(report.audits)
    .filter((a) => a.score !== null && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable')
    .filter((a) => (a.scoreDisplayMode === 'binary' ? a.score < 1 : a.score < 0.9 && !METRICS.some(([id]) => id === a.id)))
    .map((a) => a.id);
  return row;
}

function format(label, value) {
  if (value === null) return '—';
  if (label === 'CLS') return value.toFixed(3);
  if (label === 'cpu') return String(Math.round(value));
  if (['FCP', 'LCP', 'TBT'].includes(label)) return `${Math.round(value)} ms`;
  return value.toFixed(2);
}

function printTable(rows) {
  const columns = ['route', 'app', ...CATEGORIES.map(([, l]) => l), ...METRICS.map(([, l]) => l), 'cpu', 'runs'];
  const cells = rows.map((r) => [r.route, r.app, ...CATEGORIES.map(([, l]) => format(l, r[l])), ...METRICS.map(([, l]) => format(l, r[l])), format('cpu', r.cpu), String(r.runs)]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values) => values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) console.log(line(row));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!chrome) fail('Install Chromium (apt-get install -y chromium) or set CHROME_PATH');
  if (!existsSync(lighthouseBin)) fail('Lighthouse is missing: run npm ci');
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html'))) fail('No build: run `npx vite build` first (npm run lighthouse does).');

  const routes = options.routes.length ? options.routes : ['/', '/review', '/library', questionRoute(), '/progress', '/settings'];
  const names = new Map();
  const apps = [{ name: 'rehearse', dir: dist }, ...options.compare.map((dir) => ({ dir }))];
  for (const app of apps) {
    // Short unique labels for the table: the folder's name, then its parent's, as needed.
    let name = app.name ?? basename(app.dir);
    if (names.has(name)) name = `${basename(resolve(app.dir, '..'))}/${name}`;
    while (names.has(name)) name += "'";
    names.set(name, app);
    app.name = name;
  }
  const servers = [];
  try {
    for (const [i, app] of apps.entries()) {
      const server = await serveFolder(app.dir, options.port ? options.port + i : 0);
      servers.push(server);
      app.origin = `http://127.0.0.1:${server.address().port}`;
      console.log(`${app.name}: ${app.dir} at ${app.origin}`);
    }
    if (options.out) mkdirSync(options.out, { recursive: true });
    const results = new Map(routes.flatMap((route) => apps.map((app) => [`${route} ${app.name}`, []])));
    const total = routes.length * options.runs * apps.length;
    let done = 0;
    for (const route of routes) {
      // A B A B …: each app's runs are spread over the same stretch of machine load.
      for (let runIndex = 0; runIndex < options.runs; runIndex++) {
        for (const app of apps) {
          done++;
          const report = await lighthouse(`${app.origin}${route}`);
          const row = summarise(report);
          results.get(`${route} ${app.name}`).push(row);
          if (options.out) {
            const file = `${app.name.replace(/[^\w.-]+/g, '_')}${route.replace(/[^\w.-]+/g, '_')}-${runIndex + 1}.json`;
            writeFileSync(join(options.out, file), JSON.stringify(report));
          }
          console.log(`[${done}/${total}] ${app.name} ${route}: perf ${format('perf', row.perf)} · TBT ${format('TBT', row.TBT)} · LCP ${format('LCP', row.LCP)} · cpu ${format('cpu', row.cpu)}`);
        }
      }
    }
    console.log(`\nMedians of ${options.runs} run${options.runs === 1 ? '' : 's'} (Lighthouse mobile, first visit; cpu: Lighthouse's benchmark index, lower on a busier machine):\n`);
    const rows = [];
    for (const route of routes) {
      for (const app of apps) {
        const runs = results.get(`${route} ${app.name}`);
        const row = { route, app: app.name, runs: runs.length };
        for (const label of [...[...CATEGORIES, ...METRICS].map(([, l]) => l), 'cpu']) row[label] = median(runs.map((r) => r[label]));
        rows.push(row);
      }
    }
    printTable(rows);
    // What cost points, and in how many runs: the place to start when a score is short.
    const failing = [];
    for (const [key, runs] of results) {
      const counts = new Map();
      for (const r of runs) for (const id of r.failing) counts.set(id, (counts.get(id) ?? 0) + 1);
      if (counts.size) failing.push(`  ${key}: ${[...counts].map(([id, n]) => `${id} (${n}/${runs.length})`).join(', ')}`);
    }
    if (failing.length) console.log(`\nAudits short of a pass:\n${failing.join('\n')}`);
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
}

await main();
