// Drives a real Chromium (Debian's `chromium` package) with playwright-core, for tests of the
// sandbox's web pages and the end-to-end demo journey.
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Where a Chromium may be; BOBB_CHROMIUM first so a machine can point at its own. */
const CANDIDATES = [process.env["BOBB_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

// Quiet, offline-friendly Chromium: no sandbox (containers, root), no background traffic.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Path of a Chromium executable, or undefined when none is installed. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path as string));
}

/**
 * Decides, when a test file is collected, whether browser tests run: the executable's path, or a
 * reason to skip. Only outside CI may a missing browser skip; in CI (`CI` set) it throws.
 */
export function browserAvailability(): { path: string; skipReason?: undefined } | { path?: undefined; skipReason: string } {
  const path = findChromium();
  if (path) return { path };
  const hint = "install it with `apt-get install -y chromium` or set BOBB_CHROMIUM to a Chromium executable";
  if (process.env["CI"]) throw new Error(`no Chromium found (looked at ${CANDIDATES.filter(Boolean).join(", ")}): ${hint}`);
  const skipReason = `browser tests skipped: no Chromium found; ${hint}`;
  console.warn(skipReason);
  return { skipReason };
}

/** A running browser with its own temporary profile. */
export interface BrowserSession {
  context: BrowserContext;
  /** Opens a tab (1280×800 unless told otherwise). */
  newPage(): Promise<Page>;
  /** Closes the browser and deletes the profile directory. */
  close(): Promise<void>;
}

/** Options of `launchBrowser`. */
export interface LaunchOptions {
  /** Chromium to run; default `findChromium()`. */
  executablePath?: string;
  viewport?: { width: number; height: number };
}

/**
 * Launches headless Chromium with a fresh profile. Resolves undefined when no browser exists
 * outside CI (the caller skips); in CI a missing browser rejects.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession | undefined> {
  const executablePath = options.executablePath ?? browserAvailability().path;
  if (!executablePath) return undefined;
  const profile = await mkdtemp(join(tmpdir(), "bobb-chromium-"));
  try {
    // Playwright refuses --user-data-dir in args; a persistent context is the same thing.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: 30_000,
    });
    let closed: Promise<void> | null = null;
    return {
      context,
      newPage: () => context.newPage(),
      close: () =>
        (closed ??= (async () => {
          await context.close().catch(() => undefined);
          await rm(profile, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Where a browser test saves a screenshot: docs/screenshots/ (the README's images) when
 * BOBB_SCREENSHOTS=1, else a temp folder, so an ordinary test run leaves the tree clean.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.BOBB_SCREENSHOTS === "1" ? join(import.meta.dirname, "../../docs/screenshots") : join(tmpdir(), "bobb-screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
