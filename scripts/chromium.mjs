/** Headless Chromium for the browser tests and screenshots: Debian's build driven by playwright-core; no browser is ever downloaded. */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

/** Where Debian installs Chromium (CI installs it with scripts/ensure-chromium.sh). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Why browser tests are skipped on this machine, or null when Chromium is installed.
 * @returns {string | null}
 */
export function chromiumMissingReason() {
	return existsSync(CHROMIUM_PATH)
		? null
		: `${CHROMIUM_PATH} is missing; install Debian's chromium (scripts/ensure-chromium.sh) to run browser tests`;
}

/**
 * Launches headless Chromium without sandbox, GPU, background networking or first-run pages.
 * @returns {Promise<import("playwright-core").Browser>}
 */
export function launchChromium() {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--no-first-run",
		],
	});
}
