/**
 * Takes the README's dashboard screenshots from the real thing: a local Worker (`wrangler dev`, fresh
 * state, simulated model time so the swarm can be caught mid-run), Debian's Chromium, and a job submitted
 * through the form. Writes docs/images/dashboard-*.png.
 *
 *   npm run screenshots
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { openReport, submitFromForm, waitForJobEnd } from "./dashboard-driver.mjs";
import { applyLocalMigrations, freePort, startLocalWorker } from "./local-worker.mjs";

const OUT = "docs/images";
const TASK = "How do air-source heat pumps perform in cold climates, and what limits their efficiency?";
const SAMPLES = [
	"samples/cold-climate-performance.md",
	"samples/field-trials.md",
	"samples/refrigerants-and-design.md",
	"samples/market-and-policy.md",
	"samples/critiques-and-limits.md",
];

const state = await mkdtemp(join(tmpdir(), "research-swarm-screenshots-"));
await mkdir(OUT, { recursive: true });
applyLocalMigrations(state);
const worker = await startLocalWorker(await freePort(), {
	persistTo: state,
	vars: { EXTRACTIVE_SIMULATED_LATENCY_MS: "1500" },
});
const browser = await launchChromium();
try {
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await page.goto(`${worker.url}/`);
	await page.getByLabel("Research task").fill(TASK);
	await page.getByLabel("Swarm size").selectOption("7");
	await page.screenshot({ path: `${OUT}/dashboard-submit.png` });

	await submitFromForm(page, worker.url, { task: TASK, files: SAMPLES, keepForm: true });
	// Mid-run: some agents done, others running, the timeline still growing.
	await page.locator("#dag g.node[data-status=completed]").nth(2).waitFor({ timeout: 60_000 });
	await page.locator("#dag g.node[data-status=running]").first().waitFor({ timeout: 60_000 });
	await page.screenshot({ path: `${OUT}/dashboard-live.png`, fullPage: true });
	await waitForJobEnd(page);
	await page.screenshot({ path: `${OUT}/dashboard-job.png`, fullPage: true });

	const report = await openReport(page);
	await report.locator("#report-search").fill("cold");
	await page.screenshot({ path: `${OUT}/dashboard-report.png` });

	await page.goto(`${worker.url}/learning`);
	await page.locator("#reward-chart svg").waitFor();
	await page.locator("#patterns-table tbody tr").first().waitFor();
	await page.screenshot({ path: `${OUT}/dashboard-learning.png`, fullPage: true });
	console.log(`screenshots written to ${OUT}/`);
} finally {
	await browser.close();
	worker.stop();
	await rm(state, { recursive: true, force: true });
}
