/** What every command runs with: where to write, whether a person is at the terminal, and the interrupt state. */
import type { Interrupts } from "./interrupts.ts";
import type { OutputStream } from "./progress-display.ts";

export type CliContext = {
	stdout: OutputStream;
	stderr: OutputStream;
	/** True when stdin is a terminal, so the CLI may ask a question. */
	stdinIsTTY: boolean;
	interrupts: Interrupts;
};

/** Server selection flags shared by every command (`--url`, `--api-key`, `--state-dir` or their variables). */
export type ServerFlags = {
	url?: string;
	apiKey?: string;
	stateDir?: string;
};

/** Writes lines to a stream, each ending with a newline. */
export function writeLines(stream: OutputStream, lines: readonly string[]): void {
	if (lines.length > 0) stream.write(`${lines.join("\n")}\n`);
}
