#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning
/** Entry point of the `research-swarm` command. */
import { Interrupts } from "./interrupts.ts";
import { runCli } from "./run.ts";

process.exitCode = await runCli(process.argv, {
	stdout: process.stdout,
	stderr: process.stderr,
	stdinIsTTY: Boolean(process.stdin.isTTY),
	interrupts: new Interrupts(),
});
