// Renders the PNG icons in public/ from the two SVG sources beside this file, with the
// machine's Chromium. Run after editing an icon: `npm run icons`, then commit the PNGs.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const executablePath = [process.env.CHROME_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
if (!executablePath) throw new Error('Install Chromium (apt-get install -y chromium) or set CHROME_PATH');

const outputs = [
  ['icons/icon.svg', 192, 'icon-192.png'],
  ['icons/icon.svg', 512, 'icon-512.png'],
  ['icons/icon-maskable.svg', 512, 'icon-maskable-512.png'],
  // iOS draws its own rounded corners and ignores transparency: use the full-bleed art.
  ['icons/icon-maskable.svg', 180, 'apple-touch-icon.png'],
];

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
for (const [source, size, name] of outputs) {
  const svg = readFileSync(here(source), 'utf8');
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  writeFileSync(here(`../../public/${name}`), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  console.log(`public/${name} (${size}×${size})`);
}
await browser.close();
