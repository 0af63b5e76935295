import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

/**
 * Debian's headless Chromium for the real-browser tests. CI installs it and sets REQUIRE_BROWSER=1,
 * so there a missing browser fails rather than skips.
 */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!CHROMIUM && process.env.REQUIRE_BROWSER === "1") throw new Error("REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)");

/** The flags this machine needs (no sandbox as root, no GPU, nothing fetched from outside). */
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage"];

/** Runs Chromium with the flags above and `args` to the end (--dump-dom, --screenshot …). */
export const runChromium = (args: string[], opts: { timeout: number; maxBuffer?: number }) => promisify(execFile)(CHROMIUM!, [...CHROMIUM_FLAGS, ...args], opts);
