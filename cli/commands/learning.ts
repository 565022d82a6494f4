/** `stats`, `learn` and `patterns`: what the service has learned from this tenant's jobs. */
import { JsonObjectSchema } from "../answers.ts";
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
	return withServer(server, context, async ({ client }) =>
		printJson(context, await client.json("/v1/stats", JsonObjectSchema)),
	);
}

/** `POST /v1/learn`: distills patterns into clusters and links associations. */
export function runLearn(
	options: { minPatterns?: number },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	const body = options.minPatterns === undefined ? {} : { minPatterns: options.minPatterns };
	return withServer(server, context, async ({ client }) =>
		printJson(context, await client.json("/v1/learn", JsonObjectSchema, { method: "POST", body })),
	);
}

/** `GET /v1/patterns?q=`: the learned patterns most similar to `query`. */
export function runPatterns(
	query: string,
	options: { limit?: number },
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	const search = new URLSearchParams({ q: query });
	if (options.limit !== undefined) search.set("k", String(options.limit));
	return withServer(server, context, async ({ client }) =>
		printJson(context, await client.json(`/v1/patterns?${search}`, JsonObjectSchema)),
	);
}
