import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * The Razorpay keys live only on the clinic server (issue 6). The desk's database and files are searched for
 * them in tests/online-payments.test.ts (after a real online payment through the server); here, the renderer
 * bundle the desk ships: it must not carry the secrets' names, the server's Razorpay client or the SDK, so no
 * build can ever put a secret where the window could read it.
 */
const RENDERER = path.join(process.cwd(), 'out', 'renderer');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => path.join(f.parentPath, f.name));
}

test('the renderer bundle holds no Razorpay secret, key name or SDK', () => {
  expect(fs.existsSync(path.join(RENDERER, 'index.html')), 'build the app first (npm run build)').toBe(true);
  const bundle = files(RENDERER);
  expect(bundle.some((f) => f.endsWith('.js'))).toBe(true);
  const forbidden = [/RAZORPAY_KEY_SECRET/, /RAZORPAY_WEBHOOK_SECRET/, /key_secret/, /webhook_secret/i, /api\.razorpay\.com/, /x-razorpay-signature/i, /CLINICDESK_RAZORPAY/];
  for (const file of bundle) {
    const text = fs.readFileSync(file, 'latin1');
    for (const pattern of forbidden) expect(pattern.test(text), `${path.relative(RENDERER, file)} contains ${pattern}`).toBe(false);
  }
});
