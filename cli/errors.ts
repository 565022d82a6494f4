/** Exit codes of the CLI and the error that carries one to the top level. */

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
