import { launchChromium } from '../tests/helpers/browser.js';
import { readFileSync } from 'node:fs';
const base = 'http://127.0.0.1:3998';
const accounts = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const pages = process.argv.slice(4);
const who = process.argv[3];
const browser = await launchChromium();
for (const [w, h] of [[1440, 900], [390, 844]]) {
  const context = await browser.newContext({ viewport: { width: w, height: h } });
  const page = await context.newPage();
  const account = (Array.isArray(accounts) ? accounts : accounts.accounts ?? Object.values(accounts)).find((a: any) => a.username === who);
  const signIn = await page.request.post(`${base}/api/auth/sign-in`, { data: { username: who, password: account.password } });
  if (!signIn.ok()) throw new Error(await signIn.text());
  for (const path of pages) {
    await page.goto(base + path, { waitUntil: 'networkidle' }).catch(() => {});
    await page.waitForTimeout(2500);
    const name = `/tmp/shot/${who}${path.replace(/[/?=&]/g, '_')}-${w}.png`;
    await page.screenshot({ path: name, fullPage: false });
    console.log(name, await page.evaluate(() => document.documentElement.scrollWidth));
  }
  await context.close();
}
await browser.close();
