/**
 * Runs the command-line tools the deploy and check scripts drive (wrangler, drizzle-kit) from the project's
 * own node_modules with this Node. Every script takes a `Runner`, so tests inject one that answers like
 * the tools and records the calls: nothing in a test talks to Cloudflare.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

export type Tool = "wrangler" | "drizzle-kit";

export type Invocation = {
	tool: Tool;
	args: string[];
	/** Capture stdout and stderr for parsing; otherwise they go straight to the terminal. */
	capture: boolean;
	/** Working directory; the project's root unless given. */
	cwd?: string;
};

export type RunResult = { status: number; stdout: string; stderr: string };

export type Runner = (invocation: Invocation) => Promise<RunResult>;

/** How an invocation reads in messages and plans: `wrangler d1 list --json`. */
export function commandLine(invocation: Pick<Invocation, "tool" | "args">): string {
	return [invocation.tool, ...invocation.args].join(" ");
}

/** The script that the package `tool` installs as its command, from its package.json `bin`. */
function toolScript(root: string, tool: Tool): string {
	const directory = join(root, "node_modules", tool);
	const manifest: { bin: string | Record<string, string> } = JSON.parse(
		readFileSync(join(directory, "package.json"), "utf8"),
	);
	const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[tool];
	if (!bin) throw new Error(`${tool} has no command in ${directory}/package.json`);
	return join(directory, bin);
}

/**
 * The runner of real commands, for the project in `root`. Standard input is closed, so no tool waits on a
 * question: wrangler then applies D1 migrations without asking, as it does in CI. Wrangler sends no usage
 * metrics (`WRANGLER_SEND_METRICS=false`).
 */
export function nodeRunner(root: string): Runner {
	return (invocation) =>
		new Promise((resolve, reject) => {
			const output = invocation.capture ? "pipe" : "inherit";
			const child = spawn(process.execPath, [toolScript(root, invocation.tool), ...invocation.args], {
				cwd: invocation.cwd ?? root,
				env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
				stdio: ["ignore", output, output],
			});
			let stdout = "";
			let stderr = "";
			child.stdout?.on("data", (chunk) => {
				stdout += chunk;
			});
			child.stderr?.on("data", (chunk) => {
				stderr += chunk;
			});
			child.once("error", reject);
			child.once("close", (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr }));
		});
}

/** The error for a command that failed, with what it printed (when it was captured). */
export function commandFailure(invocation: Pick<Invocation, "tool" | "args">, result: RunResult): Error {
	const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`).trim();
	return new Error(
		`\`${commandLine(invocation)}\` failed (exit ${result.status})${output ? `:\n${output}` : ""}`,
	);
}

/** Runs `invocation` and returns its result; throws with its output when it exits non-zero. */
export async function runChecked(runner: Runner, invocation: Invocation): Promise<RunResult> {
	const result = await runner(invocation);
	if (result.status !== 0) throw commandFailure(invocation, result);
	return result;
}
