import { launchChromium } from '../tests/helpers/browser.js';
const browser = await launchChromium();
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto('http://127.0.0.1:3998/statistiques', { waitUntil: 'networkidle' });
await page.waitForTimeout(1500);
console.log((await page.textContent('body'))?.slice(0, 200));
await browser.close();
