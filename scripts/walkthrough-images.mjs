#!/usr/bin/env node
// Makes the walkthrough's pictures (media/walkthrough/*.png) and the README's screenshots (media/screenshots/*.png)
// from the screenshots the integration suite saved of the real workbench (test-results/screenshots/trusted/).
// Run `npm run test:integration` first. Each picture is a crop of one screenshot, scaled down to keep the .vsix small.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(root, 'test-results', 'screenshots', 'trusted');
const spec = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'walkthrough-images.json'), 'utf8'));

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
let missing = 0;
try {
  for (const item of spec) {
    const src = fs.readdirSync(shots).find((f) => f.startsWith(item.from));
    if (!src) {
      process.stderr.write(`no screenshot starting with "${item.from}" for ${item.to}\n`);
      missing++;
      continue;
    }
    const [x, y, w, h] = item.crop ?? [0, 0, 1400, 900];
    const scale = (item.width ?? w) / w;
    const page = await browser.newPage({ viewport: { width: Math.round(w * scale), height: Math.round(h * scale) } });
    const data = fs.readFileSync(path.join(shots, src)).toString('base64');
    await page.setContent(
      `<body style="margin:0;overflow:hidden"><div style="width:${w}px;height:${h}px;overflow:hidden;transform:scale(${scale});transform-origin:0 0">` +
        `<img src="data:image/png;base64,${data}" style="margin-left:${-x}px;margin-top:${-y}px;display:block"></div></body>`,
    );
    const out = path.join(root, item.to);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    await page.close();
    process.stdout.write(`${item.to} <- ${src} (${(fs.statSync(out).size / 1024).toFixed(0)} KB)\n`);
  }
} finally {
  await browser.close();
}
process.exitCode = missing ? 1 : 0;
