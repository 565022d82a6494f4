/** Exit codes of the CLI, the error that carries one to the top level, and the codes of the client's errors. */
import { ApiError, ConnectionError, EventStreamError, ResearchSwarmError } from "../src/client/index.ts";

/** What the process exit status means; scripts can rely on these. */
export const EXIT = {
	completed: 0,
	failed: 1,
	usage: 2,
	unreachable: 3,
	interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error shown to the user as one message, ending the process with `exitCode`. */
export class CliError extends Error {
	readonly exitCode: ExitCode;

	constructor(message: string, exitCode: ExitCode) {
		super(message);
		this.name = "CliError";
		this.exitCode = exitCode;
	}
}

/** The error for a Ctrl-C that ended a command. */
export function interrupted(): CliError {
	return new CliError("interrupted", EXIT.interrupted);
}

/** Statuses that mean the request itself was wrong, so the CLI exits with the bad-usage code. */
const USAGE_STATUSES = new Set([400, 413, 415, 422]);

/**
 * The message and exit code of an error the client threw, or null for any other error: a refused request
 * is bad usage (its details say what to change) or a failure, an unreachable server or a lost event
 * stream is `unreachable`, an unreadable answer a failure.
 */
export function cliErrorOf(error: unknown): CliError | null {
	if (error instanceof ApiError) {
		const usage = USAGE_STATUSES.has(error.status);
		const details = usage && error.details !== undefined ? `\n${JSON.stringify(error.details, null, 2)}` : "";
		return new CliError(`${error.message} (${error.code})${details}`, usage ? EXIT.usage : EXIT.failed);
	}
	if (error instanceof ConnectionError) return new CliError(error.message, EXIT.unreachable);
	if (error instanceof EventStreamError) {
		return new CliError(error.message, error.reason === "lost" ? EXIT.unreachable : EXIT.failed);
	}
	if (error instanceof ResearchSwarmError) return new CliError(error.message, EXIT.failed);
	return null;
}
