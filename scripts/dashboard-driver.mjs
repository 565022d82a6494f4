/**
 * Drives the dashboard in a real browser, the way a person would: the browser tests and the README's
 * screenshot script share it, so the screenshots show exactly what the tests check.
 */

/** Console errors and uncaught page errors of a page, collected from the moment it is opened. */
export class ConsoleWatch {
	/** @type {string[]} */
	errors = [];
	/** @type {RegExp[]} */
	#expected = [];

	/** @param {import("playwright-core").Page} page */
	constructor(page) {
		page.on("console", (message) => {
			if (message.type() === "error") this.#record(`${page.url()}: ${message.text()}`);
		});
		page.on("pageerror", (error) => this.#record(`${page.url()}: ${error.message}`));
	}

	/**
	 * Stops counting errors that match `pattern`, for a step that provokes them on purpose.
	 * @param {RegExp} pattern
	 */
	expect(pattern) {
		this.#expected.push(pattern);
	}

	/** @param {string} error */
	#record(error) {
		if (!this.#expected.some((pattern) => pattern.test(error))) this.errors.push(error);
	}
}

/**
 * Fills the submit form at `/` and submits it; resolves with the new job's id once its live view opened.
 * `keepForm` submits the form already on the page, with whatever else was chosen on it.
 * @param {import("playwright-core").Page} page
 * @param {string} baseUrl
 * @param {{ task: string; swarmSize?: number; pasted?: { title: string; text: string }; files?: string[]; keepForm?: boolean }} job
 * @returns {Promise<string>}
 */
export async function submitFromForm(page, baseUrl, job) {
	if (!job.keepForm) await page.goto(`${baseUrl}/`);
	await page.getByLabel("Research task").fill(job.task);
	if (job.swarmSize) await page.getByLabel("Swarm size").selectOption(String(job.swarmSize));
	if (job.pasted) {
		await page.getByLabel("Pasted source title").fill(job.pasted.title);
		await page.getByLabel("Pasted source text").fill(job.pasted.text);
	}
	if (job.files) await page.getByLabel("Files (.md, .txt)").setInputFiles(job.files);
	await page.getByRole("button", { name: "Start research" }).click();
	await page.waitForURL(/\/jobs\/job_[A-Za-z0-9_-]+$/, { timeout: 30_000 });
	return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

/**
 * Waits until the live view shows the job ended, and returns the status it shows.
 * @param {import("playwright-core").Page} page
 * @param {number} [timeout]
 * @returns {Promise<string>}
 */
export async function waitForJobEnd(page, timeout = 120_000) {
	const status = page.locator("#job-status");
	await status.filter({ hasText: /^(completed|failed|cancelled)$/ }).waitFor({ timeout });
	// The view redraws once more from the final job state after the terminal event.
	await page.locator("#stream-status", { hasText: "finished" }).waitFor({ timeout });
	return (await status.textContent()) ?? "";
}

/**
 * Opens the report view from the job's live view and waits for the report inside its frame.
 * @param {import("playwright-core").Page} page
 * @returns {Promise<import("playwright-core").FrameLocator>}
 */
export async function openReport(page) {
	await page.getByRole("link", { name: "Open the report" }).click();
	await page.waitForURL(/\/report$/);
	const report = page.frameLocator("#report-frame");
	await report.locator("#report-search").waitFor();
	return report;
}
