/** Fetching a finished job's reports and writing them as report.md / report.json / report.html. */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { REPORT_FORMATS } from "../src/lib/report-formats.ts";
import type { ReportFormat } from "../src/protocol.ts";
import type { ApiClient } from "./api-client.ts";

/** The report of a completed job in one format, as the server stored it. */
export function fetchReport(client: ApiClient, jobId: string, format: ReportFormat): Promise<string> {
	return client.text(`/v1/research/${encodeURIComponent(jobId)}/report?format=${format}`);
}

/** Writes the job's reports in `formats` into `folder` (created if missing); returns the paths written. */
export async function writeReports(
	client: ApiClient,
	jobId: string,
	formats: readonly ReportFormat[],
	folder: string,
): Promise<string[]> {
	const target = resolve(folder);
	await mkdir(target, { recursive: true });
	const written: string[] = [];
	for (const format of formats) {
		const path = join(target, `report.${REPORT_FORMATS[format].extension}`);
		await writeFile(path, await fetchReport(client, jobId, format));
		written.push(path);
	}
	return written;
}
