/**
 * The dashboard in a real browser: Debian's Chromium, driven by playwright-core, against `wrangler dev`.
 * A job is submitted from the form with pasted and uploaded sources, followed live to completion, and its
 * report opened, searched and downloaded; a running job is cancelled after a confirmation; the jobs list
 * is filtered and paged; an API key entered in the header is used for every request; a dropped event
 * stream is resumed from the last event seen (the drop is staged by answering the first connection with
 * a cut-off stream); the learning page draws its charts and searches patterns; and every page stays
 * usable at phone width. No page may log a console error. Screenshots of the job view and the report
 * are saved in test-artifacts/.
 *
 * Model time is simulated (the extractive provider's dev-only latency), so the live view has a running
 * job to follow rather than one that finished before the page loaded.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chromiumMissingReason, launchChromium } from "../../scripts/chromium.mjs";
import { ConsoleWatch, openReport, submitFromForm, waitForJobEnd } from "../../scripts/dashboard-driver.mjs";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { JobAcceptedSchema, JobListSchema, JobViewSchema } from "../../src/protocol";
import { SAMPLE_SOURCES } from "../fixtures/sources";

const ARTIFACTS = "test-artifacts";
const TASK = "How do air-source heat pumps perform in cold climates, and what limits their efficiency?";
const UPLOADS = ["samples/field-trials.md", "samples/critiques-and-limits.md"];
const PHONE = { width: 390, height: 844 };
/** A loaded CI machine can take seconds to render a page; waits are generous, the checks exact. */
const POLL = { timeout: 15_000 };

/** Installed before the page's scripts: records each status the live view shows, in order. */
const STATUS_RECORDER = `
window.statusesSeen = [];
new MutationObserver(() => {
	const text = document.getElementById("job-status")?.textContent ?? "";
	if (text && window.statusesSeen.at(-1) !== text) window.statusesSeen.push(text);
}).observe(document, { subtree: true, childList: true, characterData: true });
`;

type Worker = { url: string; stop(): void };

const missing = chromiumMissingReason();
let worker: Worker;
let browser: Browser;
let state = "";
let context: BrowserContext;
let page: Page;
let watch: ConsoleWatch;
/** The job submitted from the form in the first test. */
let jobId = "";

async function job(id: string) {
	return JobViewSchema.parse(await (await fetch(`${worker.url}/v1/research/${id}`)).json());
}

async function submitByApi(task: string, swarmSize = 3): Promise<string> {
	const response = await fetch(`${worker.url}/v1/research`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ task, swarmSize, sources: SAMPLE_SOURCES.slice(0, 2) }),
	});
	expect(response.status).toBe(202);
	return JobAcceptedSchema.parse(await response.json()).id;
}

describe.skipIf(missing !== null)(
	missing === null
		? "the dashboard in headless Chromium"
		: `the dashboard in headless Chromium (skipped: ${missing})`,
	() => {
		beforeAll(async () => {
			state = await mkdtemp(join(tmpdir(), "research-swarm-dashboard-"));
			await mkdir(ARTIFACTS, { recursive: true });
			applyLocalMigrations(state);
			worker = await startLocalWorker(await freePort(), {
				persistTo: state,
				vars: { EXTRACTIVE_SIMULATED_LATENCY_MS: "1000" },
			});
			browser = await launchChromium();
		});

		afterAll(async () => {
			await browser?.close();
			worker?.stop();
			if (state) await rm(state, { recursive: true, force: true });
		});

		beforeEach(async () => {
			context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
			page = await context.newPage();
			watch = new ConsoleWatch(page);
		});
		afterEach(async () => {
			await context.close();
			expect(watch.errors).toEqual([]);
		});

		it("submits a job from the form and follows it live until it completes", async () => {
			await page.addInitScript({ content: STATUS_RECORDER });
			jobId = await submitFromForm(page, worker.url, {
				task: TASK,
				swarmSize: 5,
				pasted: SAMPLE_SOURCES[0],
				files: UPLOADS,
			});
			expect(await waitForJobEnd(page)).toBe("completed");

			const final = await job(jobId);
			expect(final.sources.map((source) => source.title)).toEqual([
				SAMPLE_SOURCES[0]?.title,
				"field-trials.md",
				"critiques-and-limits.md",
			]);
			const seen = (await page.evaluate("window.statusesSeen")) as string[];
			expect(seen).toContain("running");
			expect(seen.at(-1)).toBe("completed");

			// Every agent in the DAG and on the timeline, each with a run bar, and in the table.
			const planIds = final.plan.map((task) => task.id);
			expect(planIds).toHaveLength(5);
			const nodes = page.locator("#dag g.node");
			expect(await nodes.evaluateAll((all) => all.map((node) => node.getAttribute("data-task-id")))).toEqual(
				planIds,
			);
			expect(await nodes.evaluateAll((all) => all.map((node) => node.getAttribute("data-status")))).toEqual(
				planIds.map(() => "completed"),
			);
			expect(await page.locator("#dag path.edge").count()).toBe(
				final.plan.reduce((sum, task) => sum + task.dependsOn.length, 0),
			);
			const bars = page.locator("#timeline g.bar");
			expect(await bars.evaluateAll((all) => all.map((bar) => bar.getAttribute("data-task-id")))).toEqual(
				planIds,
			);
			const runWidths = await page
				.locator("#timeline rect.run")
				.evaluateAll((all) => all.map((rect) => Number(rect.getAttribute("width"))));
			expect(runWidths).toHaveLength(5);
			expect(runWidths.every((width) => width > 0)).toBe(true);
			await expect
				.poll(() => page.locator("#timeline-summary").textContent(), POLL)
				.toMatch(/at most [1-4] in flight/);
			expect(await page.locator("#agents-table tbody tr").count()).toBe(5);
			// The events arrived over the stream, in order, ending with the job's end.
			const events = await page.locator("#events li").allTextContents();
			expect(events[0]).toContain("job.completed");
			expect(events.filter((line) => line.includes("agent.completed"))).toHaveLength(5);
			await expect.poll(() => page.locator("#job-agents").textContent(), POLL).toBe("5 of 5 done");

			await page.screenshot({ path: `${ARTIFACTS}/dashboard-job.png`, fullPage: true });
		});

		it("shows a goal-mode job's sub-goals and every sub-swarm's agents", async () => {
			await page.goto(`${worker.url}/`);
			await page.getByLabel("Mode").selectOption("goal");
			const goalJob = await submitFromForm(page, worker.url, {
				task: "Compare heat pump field trials with lab ratings, then judge which limits matter most in cold climates",
				pasted: SAMPLE_SOURCES[1],
				keepForm: true,
			});
			expect(await waitForJobEnd(page)).toBe("completed");
			const final = await job(goalJob);
			expect(final.goal?.subgoals.length).toBeGreaterThanOrEqual(2);
			const shown = await page
				.locator("#subgoals li")
				.evaluateAll((items) => items.map((item) => item.getAttribute("data-subgoal-id")));
			expect(shown).toEqual(final.goal?.subgoals.map((subgoal) => subgoal.id));
			expect(await page.locator("#dag g.node").count()).toBe(final.plan.length);
			expect(await page.locator("#timeline g.bar").count()).toBe(final.plan.length);
			await page.screenshot({ path: `${ARTIFACTS}/dashboard-goal-job.png`, fullPage: true });
		});

		it("opens the report, searches it and downloads it", async () => {
			expect(jobId).not.toBe("");
			await page.goto(`${worker.url}/jobs/${jobId}`);
			await waitForJobEnd(page);
			const report = await openReport(page);
			const items = report.locator("[data-search]");
			const total = await items.count();
			expect(total).toBeGreaterThan(3);
			await report.locator("#report-search").fill("cold");
			await expect
				.poll(() => report.locator("#report-search-status").textContent(), POLL)
				.toMatch(new RegExp(`^\\d+ of ${total} findings and citations match$`));
			const shown = await report.locator("[data-search]:not([hidden])").count();
			expect(shown).toBeGreaterThan(0);
			expect(shown).toBeLessThan(total);
			await page.screenshot({ path: `${ARTIFACTS}/dashboard-report.png` });

			const download = page.waitForEvent("download");
			await page.getByRole("button", { name: "Download JSON" }).click();
			const file = await (await download).path();
			const saved = JSON.parse(await readFile(file, "utf8")) as { jobId: string };
			expect((await download).suggestedFilename()).toBe(`${jobId}.json`);
			expect(saved.jobId).toBe(jobId);
		});

		it("lists jobs newest first, filters them by status and pages through them", async () => {
			const running = [
				await submitByApi("Which refrigerants suit cold climates?"),
				await submitByApi("What did field trials of heat pumps measure?"),
			];
			const all = JobListSchema.parse(await (await fetch(`${worker.url}/v1/research?limit=100`)).json());
			const newestFirst = all.jobs.map((entry) => `/jobs/${entry.id}`);
			expect(newestFirst.slice(0, 2)).toEqual(running.toReversed().map((id) => `/jobs/${id}`));
			expect(newestFirst).toContain(`/jobs/${jobId}`);
			const pageSize = newestFirst.length - 1;
			const links = () =>
				page
					.locator("#jobs-table tbody tr a")
					.evaluateAll((found) => found.map((link) => link.getAttribute("href")));
			await page.goto(`${worker.url}/jobs?limit=${pageSize}`);
			await expect.poll(links, POLL).toEqual(newestFirst.slice(0, pageSize));
			await page.getByRole("link", { name: "Next page" }).click();
			await expect.poll(links, POLL).toEqual(newestFirst.slice(pageSize));
			expect(await page.getByRole("link", { name: "Next page" }).isHidden()).toBe(true);

			await page.getByRole("link", { name: "First page" }).click();
			await expect.poll(links, POLL).toEqual(newestFirst.slice(0, pageSize));
			await page.getByLabel("Status").selectOption("completed");
			await page.getByRole("button", { name: "Filter" }).click();
			await page.waitForURL(/status=completed/);
			await expect
				.poll(() => page.locator("#jobs-table .status").allTextContents(), POLL)
				.toContain("completed");
			const statuses = await page.locator("#jobs-table .status").allTextContents();
			expect(statuses.every((status) => status === "completed")).toBe(true);
		});

		it("sends the API key entered once for every request in the tab", async () => {
			const created = await fetch(`${worker.url}/v1/admin/tenants`, {
				method: "POST",
				headers: { "content-type": "application/json", authorization: "Bearer local-admin" },
				body: JSON.stringify({ name: "Dashboard tenant", keyEnvironment: "test" }),
			});
			expect(created.status).toBe(201);
			const { apiKey } = (await created.json()) as { apiKey: { key: string } };
			await page.goto(`${worker.url}/jobs`);
			await expect.poll(() => page.locator("#jobs-table tbody tr").count(), POLL).toBeGreaterThan(0);

			await page.getByLabel("API key").fill(apiKey.key);
			await page.getByRole("button", { name: "Use key" }).click();
			await page.waitForLoadState("load");
			// The new tenant has no jobs: the list now comes from its key, not from dev mode's tenant.
			await expect.poll(() => page.locator("#jobs-empty").isVisible(), POLL).toBe(true);
			expect(await page.locator("#key-status").textContent()).toBe("key saved for this tab");
			expect(await page.evaluate(`sessionStorage.getItem("research-swarm.apiKey")`)).toBe(apiKey.key);

			// A wrong key is refused: the browser logs the 401 itself, and the page says what to do.
			watch.expect(/status of 401 \(Unauthorized\)/);
			const revokedLooking = `${apiKey.key.slice(0, -1)}${apiKey.key.endsWith("a") ? "b" : "a"}`;
			await page.getByLabel("API key").fill(revokedLooking);
			await page.getByRole("button", { name: "Use key" }).click();
			await page.waitForLoadState("load");
			await expect
				.poll(() => page.locator("#alert").textContent(), POLL)
				.toMatch(/unknown or revoked API key/);

			await page.evaluate("sessionStorage.clear()");
		});

		it("cancels a running job from its live view after asking", async () => {
			// The largest swarm runs longest, leaving time to decline once before accepting.
			const id = await submitByApi("How much do cold-climate heat pumps cost to run?", 7);
			await page.goto(`${worker.url}/jobs/${id}`);
			await page.locator("#job-status", { hasText: /^(queued|planning|running)$/ }).waitFor();
			const asked: string[] = [];
			page.once("dialog", (dialog) => {
				asked.push(dialog.message());
				void dialog.dismiss();
			});
			await page.getByRole("button", { name: "Cancel job" }).click();
			await expect.poll(() => asked.length, POLL).toBe(1);
			expect((await job(id)).status).not.toBe("cancelled");

			page.once("dialog", (dialog) => void dialog.accept());
			await page.getByRole("button", { name: "Cancel job" }).click();
			expect(await waitForJobEnd(page)).toBe("cancelled");
			expect((await job(id)).status).toBe("cancelled");
			expect(await page.getByRole("button", { name: "Cancel job" }).isHidden()).toBe(true);
		});

		it("picks the event stream up after a drop, from the last event it saw", async () => {
			const id = await submitByApi("Why do heat pumps defrost, and what does it cost?");
			// Once the job ended its stream replays the whole log and closes, which gives a fixed script.
			const log = await (await fetch(`${worker.url}/v1/research/${id}/events`)).text();
			const messages = log.split("\n\n").filter((block) => block.startsWith("id: "));
			expect(messages.at(-1)).toContain("event: job.completed");
			const asked: (string | null)[] = [];
			await page.route(`**/v1/research/${id}/events`, async (route) => {
				asked.push(route.request().headers()["last-event-id"] ?? null);
				// The first connection drops after three events, as a flaky network would.
				if (asked.length > 1) return route.continue();
				return route.fulfill({
					status: 200,
					contentType: "text/event-stream",
					body: `retry: 200\n\n${messages.slice(0, 3).join("\n\n")}\n\n`,
				});
			});
			await page.goto(`${worker.url}/jobs/${id}`);
			expect(await waitForJobEnd(page)).toBe("completed");
			expect(asked).toEqual([null, "3"]);
			const shown = await page
				.locator("#events li")
				.evaluateAll((items) => items.map((item) => item.getAttribute("value")));
			expect(shown).toEqual(messages.map((_, index) => String(messages.length - index)));
		});

		it("draws the learning statistics and finds patterns by similarity", async () => {
			await page.goto(`${worker.url}/learning`);
			await expect.poll(() => page.locator("#reward-chart svg rect").count(), POLL).toBeGreaterThan(0);
			expect(await page.locator("#success-chart svg rect").count()).toBeGreaterThan(0);
			const figures = await page.locator("#stats div").allTextContents();
			expect(figures.find((text) => text.startsWith("Patterns"))).toMatch(/Patterns[1-9]/);

			await page.getByLabel("Similar to").fill("heat pump efficiency in the cold");
			await page.getByRole("button", { name: "Search" }).click();
			await expect
				.poll(() => page.locator("#patterns-status").textContent(), POLL)
				.toMatch(/most similar to/);
			const scores = await page.locator("#patterns-table tbody tr td:nth-child(5)").allTextContents();
			expect(scores.length).toBeGreaterThan(0);
			expect(scores.every((score) => Number(score) > 0)).toBe(true);
		});

		it("fits every page into a phone's width and reaches its controls by keyboard", async () => {
			await page.setViewportSize(PHONE);
			for (const path of ["/", "/jobs", `/jobs/${jobId}`, `/jobs/${jobId}/report`, "/learning"]) {
				await page.goto(`${worker.url}${path}`);
				await page.waitForLoadState("networkidle");
				const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
				expect(overflow, path).toBeLessThanOrEqual(0);
				await page.keyboard.press("Tab");
				expect(await page.evaluate("document.activeElement?.textContent"), path).toBe("Skip to content");
			}
			await page.goto(`${worker.url}/`);
			await page.getByLabel("Research task").focus();
			await page.keyboard.type("Keyboard-only task");
			expect(await page.getByLabel("Research task").inputValue()).toBe("Keyboard-only task");
		});
	},
);
