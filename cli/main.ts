/** Entry point of the `research-swarm` command. */
import { Interrupts } from "./interrupts.ts";
import { runCli } from "./run.ts";

// A reader that stops early (`research-swarm list | head`) is no error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
	if (error.code !== "EPIPE") throw error;
	process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv, {
	stdout: process.stdout,
	stderr: process.stderr,
	stdinIsTTY: Boolean(process.stdin.isTTY),
	interrupts: new Interrupts(),
});
