/**
 * The dashboard's server side: each page renders its skeleton with the hooks its script needs, under a
 * policy that allows only same-origin scripts (plus the report's own inline ones, by hash). What the
 * pages do in a browser is tested in test/e2e/dashboard.test.ts.
 */
import { describe, expect, it } from "vitest";
import { reportInlineSources } from "../../src/synthesis/render-html";
import { api } from "./harness";

const JOB_ID = "job_01m8x98htdpnad3kv8yg2104xw";

async function page(path: string): Promise<{ response: Response; html: string }> {
	const response = await api(path);
	return { response, html: await response.text() };
}

describe("dashboard pages", () => {
	it.each([
		["/", "submit", "New research"],
		["/jobs", "jobs", "Jobs"],
		[`/jobs/${JOB_ID}`, "job", "Job"],
		[`/jobs/${JOB_ID}/report`, "report", "Report"],
		["/learning", "learning", "Learning"],
	])("%s renders the %s page with its script, styles and navigation", async (path, name, title) => {
		const { response, html } = await page(path);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/html/);
		expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/i);
		expect(html).toContain(`data-page="${name}"`);
		expect(html).toContain(`<h1>${title}</h1>`);
		expect(html).toContain('<script type="module" src="/assets/dashboard.js"></script>');
		expect(html).toContain('<a class="skip" href="#main">');
		expect(html).toContain('data-dev-mode="true"');
	});

	it("allows only same-origin scripts, and the report's inline style and script by hash", async () => {
		const { response } = await page("/");
		const policy = response.headers.get("content-security-policy") ?? "";
		const inline = await reportInlineSources();
		expect(policy).toContain("default-src 'none'");
		expect(policy).toContain(`script-src 'self' ${inline.script}`);
		expect(policy).toContain(`style-src 'self' ${inline.style}`);
		expect(policy).toContain("connect-src 'self'");
		expect(policy).toContain("frame-ancestors 'none'");
		expect(policy).not.toContain("unsafe-inline");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
	});

	it("gives the job and report pages the job id, and sandboxes the report without same-origin access", async () => {
		const job = await page(`/jobs/${JOB_ID}`);
		expect(job.html).toContain(`data-job-id="${JOB_ID}"`);
		expect(job.html).toContain(`href="/jobs/${JOB_ID}/report"`);
		const report = await page(`/jobs/${JOB_ID}/report`);
		const frame = /<iframe[^>]*id="report-frame"[^>]*>/.exec(report.html)?.[0] ?? "";
		expect(frame).toContain('sandbox="allow-scripts');
		expect(frame).not.toContain("allow-same-origin");
	});

	it("renders the jobs filter set to the address's filters, and ignores filters the API would refuse", async () => {
		const selected = (html: string) =>
			[...html.matchAll(/<option value="([^"]*)" selected/g)].map((match) => match[1]);
		expect(selected((await page("/jobs?status=completed&limit=7")).html)).toEqual(["completed", "7"]);
		expect(selected((await page("/jobs?status=bogus&limit=1000")).html)).toEqual(["20"]);
		expect(selected((await page("/jobs")).html)).toEqual(["20"]);
	});

	it("offers the providers this deployment can run, extractive last", async () => {
		const { html } = await page("/");
		const select = /<select id="provider"[\s\S]*?<\/select>/.exec(html)?.[0] ?? "";
		const values = [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
		expect(values).toEqual(["auto", "extractive"]);
	});

	it("answers 404 with the API's error body for a path that is no page and no job id", async () => {
		for (const path of ["/jobs/not a job", "/jobs/x/y", "/nowhere"]) {
			const response = await api(path);
			expect(response.status, path).toBe(404);
			expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
		}
	});
});
