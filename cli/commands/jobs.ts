/** `list`, `view`, `report` and `cancel`: reading and managing jobs that already exist. */
import type { JobStatus, ReportFormat } from "../../src/client/index.ts";
import { type CliContext, type ServerFlags, writeLines } from "../context.ts";
import { CliError, EXIT, type ExitCode } from "../errors.ts";
import { renderJobList, renderJobView } from "../render.ts";
import { fetchReport, writeReports } from "../reports.ts";
import { withServer } from "../server.ts";

export type ListOptions = { status?: JobStatus; limit?: number; cursor?: string; json?: boolean };
export type ReportOptions = { format?: ReportFormat[]; out?: string };

/** Prints a page of jobs, newest first. */
export function runList(options: ListOptions, server: ServerFlags, context: CliContext): Promise<ExitCode> {
	const { json, ...query } = options;
	return withServer(server, context, async ({ client }) => {
		const list = await client.research.list(query);
		writeLines(context.stdout, json ? [JSON.stringify(list, null, 2)] : renderJobList(list));
		return EXIT.completed;
	});
}

/** Prints one job: status, configuration, agents, sources, metrics. */
export function runView(
	jobId: string,
	options: { json?: boolean },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	return withServer(server, context, async ({ client }) => {
		const job = await client.research.get(jobId);
		writeLines(
			context.stdout,
			options.json ? [JSON.stringify(job, null, 2)] : renderJobView(job, Date.now()),
		);
		return EXIT.completed;
	});
}

/**
 * Prints a completed job's report in one format (Markdown by default), or with `--out` writes it in each
 * requested format (default: every format the job produced) as `<jobId>.<ext>`.
 */
export function runReport(
	jobId: string,
	options: ReportOptions,
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	if (!options.out && options.format && options.format.length > 1) {
		throw new CliError("printing a report takes one --format; use --out <dir> to write several", EXIT.usage);
	}
	return withServer(server, context, async ({ client }) => {
		if (!options.out) {
			context.stdout.write(await fetchReport(client, jobId, options.format?.[0] ?? "markdown"));
			return EXIT.completed;
		}
		const formats = options.format ?? (await client.research.get(jobId)).config.formats;
		const written = await writeReports(client, jobId, formats, options.out);
		writeLines(
			context.stdout,
			written.map((path) => `wrote ${path}`),
		);
		return EXIT.completed;
	});
}

/** Cancels a job that has not finished; a job that already ended is an error (exit 1). */
export function runCancel(
	jobId: string,
	options: { json?: boolean },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	return withServer(server, context, async ({ client }) => {
		const job = await client.research.cancel(jobId);
		writeLines(context.stdout, options.json ? [JSON.stringify(job, null, 2)] : [`cancelled job ${job.id}`]);
		return EXIT.completed;
	});
}
