/**
 * `research` and `goal-research`: submit a job, follow it live, write its reports, exit by its outcome;
 * or with `--dry-run`, show what the job would do and what it could cost, submitting nothing.
 */
import { createInterface } from "node:readline";
import { applyEvent, emptyProgress, type JobView, type ResearchSwarmClient } from "../../src/client/index.ts";
import { progressFromJob } from "../board.ts";
import { type CliContext, type ServerFlags, writeLines } from "../context.ts";
import { planResearch, renderDryRun } from "../dry-run.ts";
import { CliError, EXIT, type ExitCode } from "../errors.ts";
import { createProgressDisplay } from "../progress-display.ts";
import { renderJobSummary } from "../render.ts";
import { writeReports } from "../reports.ts";
import { type ResearchFlags, researchRequestFrom, validateResearchRequest } from "../research-request.ts";
import { withServer } from "../server.ts";
import { readSources } from "../sources.ts";

export type ResearchOptions = ResearchFlags & {
	source?: string[];
	out?: string;
	/** False with `--no-wait`. */
	wait: boolean;
	dryRun?: boolean;
	idempotencyKey?: string;
	json?: boolean;
	verbose?: boolean;
};

/** How long the cancel request sent after Ctrl-C may take. */
const CANCEL_TIMEOUT_MS = 10_000;

/** Asks on the terminal whether to cancel the job; Ctrl-C or end of input at the prompt mean no. */
function askToCancel(jobId: string): Promise<boolean> {
	const prompt = createInterface({ input: process.stdin, output: process.stdout });
	return new Promise((resolve) => {
		prompt.on("SIGINT", () => prompt.close());
		prompt.on("close", () => resolve(false));
		prompt.question(`\nCancel job ${jobId} on the server? [y/N] `, (answer) => {
			resolve(/^y(es)?$/i.test(answer.trim()));
			prompt.close();
		});
	});
}

/** After Ctrl-C: cancel the job (asking first when a person is at the terminal), or say how to find it again. */
async function settleInterruptedJob(
	client: ResearchSwarmClient,
	jobId: string,
	local: boolean,
	context: CliContext,
) {
	const interactive = context.stdinIsTTY && Boolean(context.stdout.isTTY);
	const cancel = interactive ? await askToCancel(jobId) : true;
	if (!cancel) {
		const pause = local ? " The local Worker stops now, so the job pauses until it runs again." : "";
		writeLines(context.stderr, [
			`job ${jobId} was left running.${pause} See it with: research-swarm view ${jobId}`,
		]);
		return;
	}
	try {
		await client.research.cancel(jobId, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
		writeLines(context.stderr, [`cancelled job ${jobId}`]);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		writeLines(context.stderr, [`could not cancel job ${jobId}: ${reason}`]);
	}
}

/** Follows the job to its end with a progress display (none with `--json`) and returns the final job view. */
async function followToEnd(
	client: ResearchSwarmClient,
	jobId: string,
	local: boolean,
	options: ResearchOptions,
	context: CliContext,
): Promise<JobView> {
	let progress = emptyProgress();
	const display = options.json ? null : createProgressDisplay(context.stdout, options.verbose ?? false);
	try {
		await client.research.follow(jobId, {
			signal: context.interrupts.signal,
			onEvent: (event) => {
				progress = applyEvent(progress, event);
				display?.update(progress, event);
			},
		});
	} catch (error) {
		display?.stop();
		if (context.interrupts.signal.aborted) await settleInterruptedJob(client, jobId, local, context);
		throw error;
	}
	const job = await client.research.get(jobId);
	display?.finish(progressFromJob(job));
	return job;
}

/** Prints the job's closing summary (with its report's quality and verified citations) and the files written. */
async function printOutcome(
	client: ResearchSwarmClient,
	job: JobView,
	options: ResearchOptions,
	context: CliContext,
): Promise<void> {
	const completed = job.status === "completed";
	const written =
		options.out && completed
			? await writeReports(client, job.id, options.format ?? job.config.formats, options.out)
			: [];
	if (options.json) {
		writeLines(context.stdout, [JSON.stringify(job, null, 2)]);
		return;
	}
	// Every completed job stores its JSON report, whatever formats it was asked for.
	const report = completed ? await client.research.report(job.id, "json") : null;
	writeLines(context.stdout, [...renderJobSummary(job, report), ...written.map((path) => `wrote ${path}`)]);
	if (completed && written.length === 0) {
		writeLines(context.stdout, [`read the report: research-swarm report ${job.id} --out <dir>`]);
	}
}

/**
 * Runs the `research` command: validates the request before anything is sent, then with `--dry-run`
 * prints the plan and cost bound; otherwise submits it, and unless `--no-wait` follows the job, writes the
 * reports to `--out` and exits 0 when it completed, 1 otherwise.
 */
export async function runResearch(
	task: string,
	options: ResearchOptions,
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	const sources = await readSources(options.source ?? []);
	const request = validateResearchRequest(researchRequestFrom(task, options, sources));
	if (!options.wait && !server.url && !options.dryRun) {
		throw new CliError(
			"--no-wait needs a running server (--url): a local Worker stops with the command",
			EXIT.usage,
		);
	}
	return withServer(server, context, async ({ client, local }) => {
		if (options.dryRun) {
			const plan = await planResearch(client, request);
			writeLines(context.stdout, options.json ? [JSON.stringify(plan, null, 2)] : renderDryRun(plan));
			return EXIT.completed;
		}
		const accepted = await client.research.submit(request, {
			...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
		});
		if (!options.wait) {
			const lines = [
				`accepted job ${accepted.id} (${accepted.status})`,
				`follow it: research-swarm view ${accepted.id}`,
			];
			writeLines(context.stdout, options.json ? [JSON.stringify(accepted, null, 2)] : lines);
			return EXIT.completed;
		}
		const job = await followToEnd(client, accepted.id, local, options, context);
		await printOutcome(client, job, options, context);
		return job.status === "completed" ? EXIT.completed : EXIT.failed;
	});
}
