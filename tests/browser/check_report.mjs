// Opens a report.html in Debian's Chromium (headless, driven over the DevTools protocol by
// puppeteer-core; no browser is downloaded) and checks what a reader sees: no JavaScript error and no
// request leaving the file (the report works offline), the verdict table, every chart drawn, Chinese
// text rendered by a CJK font (not missing-glyph boxes), and the print layout on A4 pages.
// Usage: node check_report.mjs REPORT.html OUT_DIR   (writes OUT_DIR/report.pdf and report.png)
// Prints one JSON line of what it found; exits 1 naming each failed check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [report, outDir] = process.argv.slice(2);
if (!report || !outDir) {
  console.error('usage: node check_report.mjs REPORT.html OUT_DIR');
  process.exit(2);
}
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomon-chromium-'));
// The flags that keep Chromium from reaching for the network at start (a closed network refuses it).
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
});
const failures = [];
const found = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const errors = [], external = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => { if (!/^(file|data|about):/.test(r.url())) external.push(r.url()); });
  await page.goto('file://' + path.resolve(report), { waitUntil: 'load', timeout: 60000 });
  Object.assign(found, await page.evaluate(() => ({
    title: document.title,
    chartsDrawn: Number(document.body.getAttribute('data-charts') || 0),
    chartBoxes: document.querySelectorAll('div.chart').length,
    chartsWithSvg: [...document.querySelectorAll('div.chart')].filter((d) => d.querySelector('svg path')).length,
    verdictRows: document.querySelectorAll('table.verdicts tbody tr').length,
    verdictsCoulored: [...document.querySelectorAll('table.verdicts td.verdict')].filter((td) => getComputedStyle(td).backgroundColor !== 'rgba(0, 0, 0, 0)').length,
    sentences: document.querySelectorAll('ul.sentences li').length,
    counties: document.querySelectorAll('article.zone').length,
  })));
  found.errors = errors;
  found.external = external;
  // The fonts Chromium rendered the heading and a verdict with (the DevTools protocol's own account).
  const cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  found.fonts = {};
  for (const selector of ['h1', 'table.verdicts td.verdict', 'ul.sentences li']) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) continue;
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    found.fonts[selector] = fonts.map((f) => `${f.familyName}:${f.glyphCount}`);
  }
  await page.screenshot({ path: path.join(outDir, 'report.png') });
  await page.pdf({ path: path.join(outDir, 'report.pdf'), format: 'A4', printBackground: true });
  const pdf = fs.readFileSync(path.join(outDir, 'report.pdf')).toString('latin1');
  found.pdfPages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  const box = pdf.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  found.pageSizePt = box ? [Number(box[1]), Number(box[2])] : null;

  if (errors.length) failures.push(`JavaScript errors: ${errors.join(' | ')}`);
  if (external.length) failures.push(`requests leaving the file (the report must work offline): ${external.join(', ')}`);
  if (found.verdictRows < 1) failures.push('no row in the verdict table');
  if (found.chartBoxes < 1 || found.chartsDrawn !== found.chartBoxes || found.chartsWithSvg !== found.chartBoxes)
    failures.push(`charts: ${found.chartBoxes} boxes, ${found.chartsDrawn} drawn, ${found.chartsWithSvg} with SVG paths`);
  for (const [selector, fonts] of Object.entries(found.fonts))
    if (!fonts.length || !fonts.every((f) => /CJK|Han Sans|Hei|Song|Ming|WenQuanYi/i.test(f)))
      failures.push(`${selector}: Chinese text not rendered by a CJK font (${fonts.join(', ')}): missing-glyph boxes`);
  if (found.pdfPages < 2) failures.push(`print to PDF: ${found.pdfPages} page(s), expected one per section`);
  if (!found.pageSizePt || Math.abs(found.pageSizePt[0] - 595.3) > 2 || Math.abs(found.pageSizePt[1] - 841.9) > 2)
    failures.push(`print to PDF: page size ${JSON.stringify(found.pageSizePt)} pt, not A4 (595 x 842)`);
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(found));
for (const f of failures) console.error(`report.html: ${f}`);
process.exit(failures.length ? 1 : 0);
