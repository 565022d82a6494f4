/** `stats`, `learn` and `patterns`: what the service has learned from this tenant's jobs. */
import { type CliContext, type ServerFlags, writeLines } from "../context.ts";
import { EXIT, type ExitCode } from "../errors.ts";
import { withServer } from "../server.ts";

/** Prints a JSON answer of the API, indented. */
function printJson(context: CliContext, value: unknown): ExitCode {
	writeLines(context.stdout, [JSON.stringify(value, null, 2)]);
	return EXIT.completed;
}

/** `GET /v1/stats`: jobs by status, rewards over time, pattern reuse, tokens and cost. */
export function runStats(server: ServerFlags, context: CliContext): Promise<ExitCode> {
	return withServer(server, context, async ({ client }) => printJson(context, await client.learning.stats()));
}

/** `POST /v1/learn`: distills patterns into clusters and links associations. */
export function runLearn(
	options: { minPatterns?: number },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	return withServer(server, context, async ({ client }) =>
		printJson(context, await client.learning.learn(options)),
	);
}

/** `GET /v1/patterns?q=`: the learned patterns most similar to `query`. */
export function runPatterns(
	query: string,
	options: { limit?: number },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	return withServer(server, context, async ({ client }) =>
		printJson(context, await client.learning.patterns({ q: query, k: options.limit })),
	);
}
