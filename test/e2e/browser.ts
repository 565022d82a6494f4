/** Headless Chromium for browser tests: Debian's build driven by playwright-core; no browser is ever downloaded. */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Debian installs Chromium (CI installs it with scripts/ensure-chromium.sh). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Why browser tests are skipped on this machine, or null when Chromium is installed. */
export function chromiumMissingReason(): string | null {
	return existsSync(CHROMIUM_PATH)
		? null
		: `${CHROMIUM_PATH} is missing; install Debian's chromium (scripts/ensure-chromium.sh) to run browser tests`;
}

/** Launches headless Chromium without sandbox, GPU, background networking or first-run pages. */
export function launchChromium(): Promise<Browser> {
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
