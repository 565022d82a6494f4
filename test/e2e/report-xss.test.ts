/**
 * XSS in a real browser: a job whose task and sources are full of script and HTML payloads runs on a
 * local Worker (`wrangler dev`, dev mode), and its HTML report is opened in headless Chromium at its
 * real URL, so the response's Content-Security-Policy applies. Every payload calls `__xss(name)` or
 * `alert`, both trapped by a page-level hook installed before any page script runs.
 *
 * Allowed console errors: only Content-Security-Policy reports ("Refused to …"), which are what a
 * blocked payload produces. The test expects none from the report itself — the renderer escapes every
 * payload, so nothing reaches the policy — and then injects a script and an image on purpose to show
 * the policy blocks what would get through.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissingReason, launchChromium } from "../../scripts/chromium.mjs";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { JobAcceptedSchema, JobViewSchema } from "../../src/protocol";
import { SAMPLE_SOURCES } from "../fixtures/sources";

const SCREENSHOT = "test-artifacts/report-xss.png";

/** Payloads that would call the trap if the report rendered them as markup. Each names itself. */
const PAYLOADS = [
	`<script>__xss("script")</script><script>alert(1)</script>`,
	`<img src=x onerror="__xss('img-onerror')">`,
	`<svg onload="__xss('svg-onload')"><circle r="5"/></svg>`,
	`[see the study](javascript:__xss('markdown-link'))`,
	`<a href="javascript:__xss('a-href')">cold climate data</a>`,
	`"><iframe srcdoc="<script>parent.__xss('iframe-srcdoc')</script>"></iframe>`,
	`</style><script>__xss('style-breakout')</script><style>`,
	`</title></textarea><script>__xss('title-breakout')</script>`,
	`<body onload="__xss('body-onload')"><details open ontoggle="__xss('details-ontoggle')">`,
	`<input autofocus onfocus="__xss('autofocus')">`,
	`' onmouseover='__xss("single-quoted-attribute")' x='`,
	`" onmouseover="__xss('double-quoted-attribute')" x="`,
	`<meta http-equiv="refresh" content="0;url=javascript:__xss('meta-refresh')">`,
	`<meta http-equiv="refresh" content="0;url=https://attacker.example/">`,
	`<math><mtext><table><mglyph><style><img src=x onerror="__xss('mxss')">`,
	`<object data="javascript:__xss('object')"></object><embed src="javascript:__xss('embed')">`,
	`<form action="javascript:__xss('form')"><button>go</button></form><base href="https://attacker.example/">`,
	`<a href="data:text/html,<script>__xss('data-url')</script>">data</a>`,
	`<noscript><p title="</noscript><img src=x onerror=__xss('noscript')>">`,
];

/** Every payload inside a sentence on the task's topic, so the extractive agents quote it into the report. */
const HOSTILE_SOURCES = [0, 1, 2, 3].map((group) => ({
	title: `Heat pump notes ${group} <img src=x onerror="__xss('title-${group}')">"><script>__xss('title')</script>`,
	text: PAYLOADS.filter((_, index) => index % 4 === group)
		.map(
			(payload) =>
				`Air-source heat pumps in cold climates lose efficiency ${payload} as the outdoor air gets colder.`,
		)
		.join("\n"),
}));

const TASK = `How do air-source heat pumps perform in cold climates? <script>__xss("task")</script>`;

/** Installed before any page script: the trap every payload calls, dialogs and CSP reports recorded. */
const PAGE_HOOK = `
window.__xssCalls = [];
window.__xss = (name) => window.__xssCalls.push(String(name));
for (const name of ["alert", "confirm", "prompt", "print"]) {
	window[name] = (...args) => window.__xssCalls.push(name + ":" + args.join(","));
}
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) =>
	window.__cspViolations.push(event.effectiveDirective + " " + (event.blockedURI || "inline")),
);
`;

const ACTIVE_SELECTOR =
	"img, svg, math, iframe, frame, object, embed, form, base, link, video, audio, picture, input:not(#report-search), meta[http-equiv='refresh' i]";

type Worker = { url: string; stop(): void };

const missing = chromiumMissingReason();
let worker: Worker | undefined;
let browser: Browser | undefined;
let state = "";
let reportUrl = "";
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];

async function completedJob(base: string, id: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const job = JobViewSchema.parse(await (await fetch(`${base}/v1/research/${id}`)).json());
		if (job.status === "completed") return;
		if (["failed", "cancelled"].includes(job.status) || Date.now() > deadline) {
			throw new Error(`job ${id} ended as ${job.status}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

function trapped(): Promise<string[]> {
	return page.evaluate("window.__xssCalls") as Promise<string[]>;
}

function cspViolations(): Promise<string[]> {
	return page.evaluate("window.__cspViolations") as Promise<string[]>;
}

describe.skipIf(missing !== null)(
	missing === null
		? "the HTML report in headless Chromium"
		: `the HTML report in headless Chromium (skipped: ${missing})`,
	() => {
		beforeAll(async () => {
			state = await mkdtemp(join(tmpdir(), "research-swarm-xss-"));
			applyLocalMigrations(state);
			worker = await startLocalWorker(await freePort(), { persistTo: state });
			const submitted = await fetch(`${worker.url}/v1/research`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ task: TASK, swarmSize: 7, sources: [...SAMPLE_SOURCES, ...HOSTILE_SOURCES] }),
			});
			expect(submitted.status).toBe(202);
			const { id } = JobAcceptedSchema.parse(await submitted.json());
			await completedJob(worker.url, id);
			reportUrl = `${worker.url}/v1/research/${id}/report?format=html`;

			browser = await launchChromium();
			const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
			// Only the report itself may load; anything a payload asks for is refused and recorded.
			await context.route("**/*", (route) =>
				route.request().url() === reportUrl ? route.continue() : route.abort(),
			);
			page = await context.newPage();
			await page.addInitScript({ content: PAGE_HOOK });
			page.on("console", (message) => {
				if (message.type() === "error") consoleErrors.push(message.text());
			});
			page.on("pageerror", (error) => pageErrors.push(error.message));
			page.on("dialog", (dialog) => {
				dialogs.push(dialog.message());
				void dialog.dismiss();
			});
			page.on("request", (request) => requests.push(request.url()));
		}, 120_000);

		afterAll(async () => {
			await browser?.close();
			worker?.stop();
			if (state) await rm(state, { recursive: true, force: true });
		});

		it("is served as HTML with a strict CSP and nosniff", async () => {
			const response = await fetch(reportUrl);
			expect(response.status).toBe(200);
			expect(response.headers.get("content-type")).toMatch(/^text\/html/);
			expect(response.headers.get("x-content-type-options")).toBe("nosniff");
			const policy = response.headers.get("content-security-policy") ?? "";
			expect(policy).toContain("default-src 'none'");
			expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
			expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
			const html = await response.text();
			// The payloads really are in the page, as text: from the findings, not only the source titles.
			expect(html).toMatch(/__xss\(&#39;(?!title)[a-z-]+&#39;\)/);
			expect(html).toContain("__xss(&#39;title-0&#39;)");
		});

		it("renders every payload inert: no trap call, dialog, navigation, load or active element", async () => {
			const response = await page.goto(reportUrl, { waitUntil: "load" });
			expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
			// Give refreshes, autofocus and load handlers time to fire if any existed.
			await page.waitForTimeout(500);

			expect(await trapped()).toEqual([]);
			expect(dialogs).toEqual([]);
			expect(pageErrors).toEqual([]);
			expect(page.url()).toBe(reportUrl);
			expect(requests).toEqual([reportUrl]);
			expect(await cspViolations()).toEqual([]);
			expect(consoleErrors).toEqual([]);

			expect(await page.locator(ACTIVE_SELECTOR).count()).toBe(0);
			expect(await page.locator("script").count()).toBe(1);
			const handlers = await page.evaluate(
				`Array.from(document.querySelectorAll("*")).flatMap((element) =>
					Array.from(element.attributes).filter((attribute) => /^on/i.test(attribute.name))
						.map((attribute) => element.tagName + " " + attribute.name))`,
			);
			expect(handlers).toEqual([]);
			const hrefs = await page
				.locator("a[href]")
				.evaluateAll((links) => links.map((link) => link.getAttribute("href")));
			for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);

			// The payloads are on the page as visible text, in the title, heading and findings.
			expect(await page.title()).toContain('<script>__xss("task")</script>');
			const text = (await page.locator("main").textContent()) ?? "";
			const shown = PAYLOADS.filter((payload) => text.includes(payload));
			expect(shown.length).toBeGreaterThanOrEqual(5);

			await mkdir("test-artifacts", { recursive: true });
			await page.screenshot({ path: SCREENSHOT });
		});

		it("keeps the page's own search working under the policy", async () => {
			const items = page.locator("[data-search]");
			const texts = (await items.allTextContents()).map((text) => text.toLowerCase());
			expect(texts.length).toBeGreaterThan(2);
			// A word some findings and citations contain and others do not.
			const word = ["refrigerant", "trial", "defrost", "noise", "onerror", "script"].find((candidate) => {
				const hits = texts.filter((text) => text.includes(candidate)).length;
				return hits > 0 && hits < texts.length;
			});
			expect(word).toBeDefined();
			const query = word ?? "";
			const expected = texts.map((text) => text.includes(query));

			await page.locator("#report-search").fill(query.toUpperCase());
			const visible = await Promise.all((await items.all()).map((item) => item.isVisible()));
			expect(visible).toEqual(expected);
			const matched = expected.filter(Boolean).length;
			await expect
				.poll(() => page.locator("#report-search-status").textContent())
				.toBe(`${matched} of ${texts.length} findings and citations match`);

			await page.locator("#report-search").fill("");
			expect(await items.evaluateAll((all) => all.filter((item) => item.hidden).length)).toBe(0);
			// The inline stylesheet is allowed by its hash too: its layout rules are in effect.
			expect(
				await page
					.locator("body")
					.evaluate((body) => body.ownerDocument.defaultView?.getComputedStyle(body).maxWidth),
			).toBe("1024px");
			expect(await trapped()).toEqual([]);
		});

		it("blocks, by policy, a script and an image injected after load", async () => {
			await page.evaluate(`(() => {
				const script = document.createElement("script");
				script.textContent = "__xss('injected-script')";
				document.body.append(script);
				const image = document.createElement("img");
				image.src = "https://attacker.example/pixel.gif";
				document.body.append(image);
			})()`);
			// Each attempt is reported once per policy: the response header and the page's own meta element.
			await expect
				.poll(async () => [...new Set(await cspViolations())].sort())
				.toEqual(["img-src https://attacker.example/pixel.gif", "script-src-elem inline"]);
			expect(await trapped()).toEqual([]);
			// The only console errors are the policy's reports of these two blocked attempts.
			expect(consoleErrors.length).toBeGreaterThan(0);
			for (const error of consoleErrors) expect(error).toMatch(/Content Security Policy/);
		});
	},
);
