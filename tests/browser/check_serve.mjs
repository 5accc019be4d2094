// Opens the page of a running `ecomon serve` in Debian's Chromium (headless, driven by
// puppeteer-core) and uses it as a reader would: waits for the counties on the map, clicks the county
// CODE and reads its forest coverage from the panel, then draws a polygon by clicking the map and
// reads the answer of POST /query; then shows the land cover layer and reads its legend. Fails on any JavaScript error or any request to another host.
// Usage: node check_serve.mjs URL CODE OUT_DIR   (writes OUT_DIR/serve.png)
// Prints one JSON line of what it read; exits 1 naming each failed check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, code, outDir] = process.argv.slice(2);
if (!url || !code || !outDir) {
  console.error('usage: node check_serve.mjs URL CODE OUT_DIR');
  process.exit(2);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomon-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
});
const failures = [];
const found = {};
const origin = new URL(url).origin;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const errors = [], external = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !/^(data|about):/.test(r.url())) external.push(r.url()); });
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  await page.waitForSelector(`path[data-code="${code}"]`, { timeout: 30000 });
  found.zonesOnMap = Number(await page.evaluate(() => document.body.getAttribute('data-zones')));

  // A county: clicked on the map, its figures in the panel.
  await page.click(`path[data-code="${code}"]`);
  await page.waitForSelector('#zone-figures tr[data-key="forest_coverage_pct"]', { timeout: 30000 });
  found.zone = await page.evaluate(() => ({
    name: document.getElementById('zone-name').textContent,
    forest_coverage_pct: document.querySelector('#zone-figures tr[data-key="forest_coverage_pct"] td.value').textContent,
    chart: !!document.querySelector('#chart svg path'),
  }));

  // A polygon: four clicks around the map's centre, then the query.
  await page.click('#draw');
  const box = await (await page.$('#map')).boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  for (const [dx, dy] of [[-40, -40], [40, -40], [40, 40], [-40, 40]]) await page.mouse.click(cx + dx, cy + dy);
  await page.click('#finish');
  await page.waitForSelector('#answer-figures tr[data-key="forest_coverage_pct"], #answer .error', { timeout: 60000 });
  found.answer = await page.evaluate(() => {
    const error = document.querySelector('#answer .error');
    if (error) return { error: error.textContent };
    const row = (k) => document.querySelector(`#answer-figures tr[data-key="${k}"]`);
    return {
      forest_coverage_pct: row('forest_coverage_pct').querySelector('td.value').textContent,
      interval: row('forest_coverage_pct').querySelectorAll('td')[2].textContent,
      area_km2: row('zone_area_km2') ? row('zone_area_km2').querySelector('td.value').textContent : null,
    };
  });

  // A product layer: the year's land cover picture under the outlines, with its legend.
  await page.select('#product', 'LANDCOVER');
  await page.waitForSelector('body[data-product="LANDCOVER"]', { timeout: 30000 });
  found.product = await page.evaluate(() => {
    const img = document.querySelector('img.leaflet-image-layer');
    return { drawn: !!img && img.complete && img.naturalWidth > 0, legend: document.querySelector('.legend').innerText };
  });
  await page.screenshot({ path: path.join(outDir, 'serve.png') });
  found.errors = errors;
  found.external = external;

  if (errors.length) failures.push(`JavaScript errors: ${errors.join(' | ')}`);
  if (external.length) failures.push(`requests to other hosts (the page must work offline): ${external.join(', ')}`);
  if (!(found.zonesOnMap > 0)) failures.push('no county on the map');
  if (!/^\d+\.\d\d$/.test(found.zone.forest_coverage_pct)) failures.push(`county ${code}: forest coverage "${found.zone.forest_coverage_pct}"`);
  if (!found.zone.chart) failures.push(`county ${code}: no chart drawn`);
  if (!found.product.drawn) failures.push('the land cover layer: no picture drawn');
  if (!/土地覆盖/.test(found.product.legend) || !/草地|草原/.test(found.product.legend))
    failures.push(`the land cover layer: legend "${found.product.legend}"`);
  if (found.answer.error) failures.push(`the drawn polygon: ${found.answer.error}`);
  else if (!/^\d+\.\d\d$/.test(found.answer.forest_coverage_pct) || !/^\d+\.\d\d$/.test(found.answer.area_km2 || ''))
    failures.push(`the drawn polygon: forest coverage "${found.answer.forest_coverage_pct}", area "${found.answer.area_km2}"`);
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(found));
for (const f of failures) console.error(`serve page: ${f}`);
process.exit(failures.length ? 1 : 0);
