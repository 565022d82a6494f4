/**
 * Fetching a finished job's reports and writing them as `<jobId>.md`, `<jobId>.json` and `<jobId>.html`,
 * so reports of several jobs can share a folder.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ReportFormat, ResearchSwarmClient } from "../src/client/index.ts";
import { REPORT_FORMATS } from "../src/lib/report-formats.ts";

/** The report of a completed job in one format, as text: Markdown, HTML, or the JSON report indented. */
export async function fetchReport(
	client: ResearchSwarmClient,
	jobId: string,
	format: ReportFormat,
): Promise<string> {
	if (format !== "json") return client.research.report(jobId, format);
	return `${JSON.stringify(await client.research.report(jobId, "json"), null, 2)}\n`;
}

/**
 * The file a job's report in `format` is written to in `folder`.
 * @example reportFile("out", "job_1", "markdown") // "/abs/out/job_1.md"
 */
export function reportFile(folder: string, jobId: string, format: ReportFormat): string {
	return join(resolve(folder), `${jobId}.${REPORT_FORMATS[format].extension}`);
}

/** Writes the job's reports in `formats` into `folder` (created if missing); returns the paths written. */
export async function writeReports(
	client: ResearchSwarmClient,
	jobId: string,
	formats: readonly ReportFormat[],
	folder: string,
): Promise<string[]> {
	await mkdir(resolve(folder), { recursive: true });
	const written: string[] = [];
	for (const format of formats) {
		const path = reportFile(folder, jobId, format);
		await writeFile(path, await fetchReport(client, jobId, format));
		written.push(path);
	}
	return written;
}
