/** Running the program on an argument list and turning its outcome into an exit code. */
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { z } from "zod";
import type { CliContext } from "./context.ts";
import { CliError, cliErrorOf, EXIT, type ExitCode, interrupted } from "./errors.ts";
import { buildProgram } from "./program.ts";

const PackageSchema = z.object({ version: z.string() });

/** The package version, for `--version`. */
function packageVersion(): string {
	const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
	return PackageSchema.parse(JSON.parse(text)).version;
}

/** The exit code for an error that ended a command, after telling the user what went wrong. */
export function exitCodeFor(error: unknown, context: CliContext): ExitCode {
	// commander has already printed its own message (or the help or version it was asked for).
	if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.completed : EXIT.usage;
	// After Ctrl-C every request in flight fails; what ended the command is the interrupt.
	const known = context.interrupts.signal.aborted ? interrupted() : (cliErrorOf(error) ?? error);
	if (known instanceof CliError) {
		context.stderr.write(known.exitCode === EXIT.interrupted ? "interrupted\n" : `error: ${known.message}\n`);
		return known.exitCode;
	}
	context.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	return EXIT.failed;
}

/**
 * Runs the CLI on `argv` (as in process.argv: node, script, arguments…) and resolves to its exit code.
 * Ctrl-C is listened for while it runs.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
	const stopListening = context.interrupts.install();
	let exitCode: ExitCode = EXIT.completed;
	const program = buildProgram(context, packageVersion(), (code) => {
		exitCode = code;
	});
	try {
		await program.parseAsync(argv);
		return exitCode;
	} catch (error) {
		return exitCodeFor(error, context);
	} finally {
		stopListening();
	}
}
