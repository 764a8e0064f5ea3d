/**
 * Headless Chromium (Debian's `chromium` package) for the tests that look
 * at a page as a person would: a screenshot, and the DOM after the page's
 * scripts ran. Each call is its own browser with a throw-away profile.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary; throws naming the setup command when it is not installed. */
export function chromiumPath(): string {
  const found = [process.env['PATRONI_CHAOS_CHROMIUM'], ...CANDIDATES].find((p): p is string => p !== undefined && existsSync(p));
  if (found === undefined) throw new Error('chromium is not installed: run `npm run setup -- --browser` (apt-get install chromium)');
  return found;
}

export interface Viewport {
  width: number;
  height: number;
}

function chromium(args: string[], viewport: Viewport): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'pc-chromium-'));
  // --no-sandbox: the tests run as root (CI does), where Chromium's sandbox refuses to start; the page is our own file.
  // A scale factor of 1 makes one CSS pixel one screenshot pixel, so geometry read from the DOM locates pixels.
  const argv = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--force-device-scale-factor=1',
    `--user-data-dir=${profile}`, `--window-size=${viewport.width},${viewport.height}`, ...args];
  return new Promise((resolve, reject) => {
    execFile(chromiumPath(), argv, { timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (err) reject(new Error(`chromium ${args.join(' ')} failed: ${err.message}\n${stderr}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** The page's DOM as serialised after its scripts ran (`--dump-dom`). */
export function dumpDom(file: string, viewport: Viewport): Promise<string> {
  return chromium(['--dump-dom', pathToFileURL(file).href], viewport);
}

/** A screenshot of the page's viewport, decoded: RGBA rows of `width` pixels. */
export async function screenshot(file: string, png: string, viewport: Viewport): Promise<PNG> {
  await chromium([`--screenshot=${png}`, pathToFileURL(file).href], viewport);
  return PNG.sync.read(readFileSync(png));
}

/** The colour of one pixel, as [r, g, b]. */
export function pixel(img: PNG, x: number, y: number): [number, number, number] {
  const i = (img.width * Math.round(y) + Math.round(x)) * 4;
  return [img.data[i] ?? 0, img.data[i + 1] ?? 0, img.data[i + 2] ?? 0];
}

/** True when every channel of `rgb` is within `tolerance` of the `#rrggbb` colour. */
export function near(rgb: readonly number[], hex: string, tolerance = 10): boolean {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return want.every((w, i) => Math.abs((rgb[i] ?? -999) - w) <= tolerance);
}
