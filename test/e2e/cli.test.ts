import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../cli/api-client";
import { CliError, EXIT } from "../../cli/errors";
import { Interrupts } from "../../cli/interrupts";
import { followJob } from "../../cli/job-events";
import { buildProgram } from "../../cli/program";
import { eventLine, progressBar, renderBoard } from "../../cli/render";
import { parseFormats, researchRequestFrom, validateResearchRequest } from "../../cli/research-request";
import { runCli } from "../../cli/run";
import { titleFor } from "../../cli/sources";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { DEFAULT_RETRY_POLICY } from "../../src/events/follow";
import { applyEvent, emptyProgress, foldEvents } from "../../src/events/progress";
import {
	JobAcceptedSchema,
	type JobEvent,
	JobListSchema,
	JobViewSchema,
	ZERO_USAGE,
} from "../../src/protocol";
import { testConfig } from "../fixtures/agent-context";
import { agentEvent, completedJobLog, jobEvent, testMetrics } from "../fixtures/job-events";

const ROOT = join(import.meta.dirname, "../..");
const ESC = "\u001b";

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** The environment without any server selection of the caller's shell. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = { ...process.env, ...extra };
	for (const name of ["RESEARCH_SWARM_URL", "RESEARCH_SWARM_API_KEY", "RESEARCH_SWARM_STATE_DIR"]) {
		if (!(name in extra)) delete env[name];
	}
	return env;
}

/** The command as the package ships it (built by this project's global setup). */
const CLI = join(ROOT, "dist", "cli.js");

/** Starts `node dist/cli.js …` with pipes (no TTY) and collects its output. */
function startCli(args: string[], env: Record<string, string> = {}) {
	const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
		cwd: ROOT,
		env: cleanEnv(env),
		stdio: ["ignore", "pipe", "pipe"],
	});
	const run: Run = { code: null, signal: null, stdout: "", stderr: "" };
	child.stdout?.on("data", (chunk) => {
		run.stdout += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		run.stderr += chunk;
	});
	const done = new Promise<Run>((resolve) =>
		child.on("close", (code, signal) => resolve(Object.assign(run, { code, signal }))),
	);
	/** Resolves with the first match of `pattern` in stdout, polling as output arrives. */
	const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
		for (;;) {
			const match = pattern.exec(run.stdout);
			if (match) return match;
			if (child.exitCode !== null) throw new Error(`exited before ${pattern}:\n${run.stdout}\n${run.stderr}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	};
	return { child, done, waitFor };
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
	return startCli(args, env).done;
}

/** A duration as the CLI writes it ("850ms", "12.3s", "1m 05s"). */
const DURATION = String.raw`(\d+ms|\d+\.\ds|\d+m \d\ds)`;

describe("following a job's events", () => {
	let server: Server;
	let url: string;
	const requests: (string | undefined)[] = [];
	let respond: (response: ServerResponse, attempt: number) => void;

	beforeAll(async () => {
		server = createServer((request, response) => {
			requests.push(request.headers["last-event-id"] as string | undefined);
			respond(response, requests.length);
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise((resolve) => server.close(resolve)));

	const log = completedJobLog();
	const sse = (seq: number) => {
		const event = log.find((candidate) => candidate.seq === seq);
		return event ? `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n` : "";
	};
	const sseRange = (from: number, to: number) =>
		Array.from({ length: to - from + 1 }, (_, index) => sse(from + index)).join("");
	/** Follows job_1 on the test server with the CLI's client. */
	const followTestJob = (
		onEvent: (event: JobEvent) => void = () => {},
		signal = new AbortController().signal,
	) =>
		followJob({
			client: new ApiClient({ baseUrl: url, apiKey: "rs_test_key", signal }),
			jobId: "job_1",
			signal,
			onEvent,
		});

	it("reconnects after a drop with Last-Event-ID and delivers each event once", async () => {
		requests.length = 0;
		respond = (response, attempt) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			if (attempt === 1) {
				// Events 1 and 2, then half of event 3, then the connection drops.
				response.write(`retry: 5\n\n${sseRange(1, 2)}${sse(3).slice(0, 25)}`, () =>
					setTimeout(() => response.destroy(), 20),
				);
				return;
			}
			// The server replays from the id it was given; a stale duplicate must be skipped.
			response.end(sseRange(2, log.length));
		};
		const seen: number[] = [];
		const last = await followTestJob((received) => seen.push(received.seq));
		expect(seen).toEqual(log.map((event) => event.seq));
		expect(last.type).toBe("job.completed");
		expect(requests).toEqual([undefined, "2"]);
	});

	it("gives up as unreachable when the stream keeps closing without news", async () => {
		requests.length = 0;
		respond = (response) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			response.end("retry: 1\n\n");
		};
		await expect(followTestJob()).rejects.toMatchObject({ exitCode: EXIT.unreachable });
		expect(requests).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
	});

	it("exits with the API's error when the stream is refused", async () => {
		requests.length = 0;
		respond = (response) => {
			response.writeHead(404, { "content-type": "application/json" });
			response.end(JSON.stringify({ error: { code: "not_found", message: "no job job_1" } }));
		};
		await expect(followTestJob()).rejects.toMatchObject({ exitCode: EXIT.failed, code: "not_found" });
		expect(requests).toHaveLength(1);
	});

	it("stops with the interrupted code when the signal aborts", async () => {
		respond = (response) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			response.write(sse(1));
		};
		const controller = new AbortController();
		const following = followTestJob(() => controller.abort(), controller.signal);
		await expect(following).rejects.toEqual(new CliError("interrupted", EXIT.interrupted));
	});
});

describe("the progress board and its text", () => {
	const explorer = { agentId: "explorer", role: "explorer" } as const;
	const usage = { ...ZERO_USAGE, inputTokens: 900, outputTokens: 100, costUsd: 0.0123 };
	const events = [
		jobEvent(1, "job.accepted", { task: "Heat pumps?", config: testConfig() }),
		jobEvent(2, "job.planned", {
			plan: [
				{ id: "explorer", role: "explorer", phase: "research", dependsOn: [], timeShare: 0.5 },
				{
					id: "synthesizer",
					role: "synthesizer",
					phase: "synthesis",
					dependsOn: ["explorer"],
					timeShare: 0.5,
				},
			],
			sources: { retrieved: 1, unreachable: 0 },
		}),
		agentEvent(3, "agent.dispatched", explorer, {}),
		agentEvent(4, "agent.started", explorer, { provider: "extractive", model: null }),
		agentEvent(5, "agent.progress", explorer, { progress: 60 }),
	];

	it("renders a header and one line per agent with status, bar, elapsed time, tokens and cost", () => {
		const lines = renderBoard(foldEvents(events), 2_900);
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(/^job job_1 running .* 30%\s+1\.8s 0 tok \$0\.0000$/);
		expect(lines[1]).toMatch(/^ {2}explorer\s+running\s+\[█{10}░{6}\]\s+60%\s+1\.5s\s+0 tok \$0\.0000$/);
		expect(lines[2]).toMatch(/^ {2}synthesizer pending\s+\[░{16}\]\s+0%\s+-\s+0 tok/);
		const done = applyEvent(
			foldEvents(events),
			agentEvent(6, "agent.completed", explorer, { findings: 3, usage, providerMs: 10 }),
		);
		expect(renderBoard(done, 2_900)[1]).toMatch(
			/completed\s+\[█{16}\]\s+100%\s+200ms\s+1,000 tok \$0\.0123$/,
		);
	});

	it("ends every agent that had not finished when the job ends", () => {
		const cancelled = [
			...events,
			jobEvent(6, "job.cancelled", { status: "cancelled", partial: false, metrics: testMetrics(2, 0) }),
		].reduce(applyEvent, emptyProgress());
		expect(renderBoard(cancelled, 9_999)[0]).toMatch(/^job job_1 cancelled .* 100%\s+500ms/);
		expect(renderBoard(cancelled, 9_999)[1]).toMatch(/^ {2}explorer\s+skipped/);
	});

	it("describes events as plain lines, with the data in verbose mode", () => {
		const started = events[3] as JobEvent;
		expect(eventLine(started, 1_100, false)).toBe("  300ms agent.started     explorer extractive");
		expect(eventLine(started, 1_100, true)).toContain('"provider":"extractive"');
		expect(eventLine(events[1] as JobEvent, 1_100, false)).toContain("2 agents: explorer, synthesizer");
	});

	it("draws bars of a fixed width at any percentage", () => {
		expect(progressBar(0, 4)).toBe("[░░░░]");
		expect(progressBar(150, 4)).toBe("[████]");
		fc.assert(
			fc.property(
				fc.double({ min: -50, max: 200, noNaN: true }),
				fc.integer({ min: 1, max: 40 }),
				(percent, width) => {
					expect([...progressBar(percent, width)]).toHaveLength(width + 2);
				},
			),
		);
	});
});

describe("request building", () => {
	it("leaves out flags that were not given and maps the rest to request fields", () => {
		const candidate = researchRequestFrom(
			"  Heat pumps  ",
			{ depth: 7, citations: false, singleAgent: true, budget: 2.5, format: parseFormats("md,html,md") },
			[{ title: "Trial", text: "COP 2.8" }],
		);
		expect(validateResearchRequest(candidate)).toEqual({
			task: "Heat pumps",
			depth: 7,
			citations: false,
			singleAgent: true,
			budgetUsd: 2.5,
			formats: ["markdown", "html"],
			sources: [{ title: "Trial", text: "COP 2.8" }],
		});
		expect(researchRequestFrom("x", { citations: true }, [])).toEqual({ task: "x" });
	});

	it("names the flags of invalid values", () => {
		const candidate = researchRequestFrom("x", { depth: 0, time: 5, mode: "sideways" }, [{ url: "ftp://x" }]);
		expect(() => validateResearchRequest(candidate)).toThrow(
			/--depth[\s\S]*--time[\s\S]*--mode[\s\S]*--source \[0/,
		);
		expect(() => parseFormats("md,pdf")).toThrow(/md, json, html/);
	});

	it("titles a text source by its first heading, else its file name", () => {
		expect(titleFor("a/trial.md", "intro\n## Field trial ##\n# Later")).toBe("Field trial");
		expect(titleFor("a/notes.txt", "no heading here")).toBe("notes.txt");
	});
});

describe("help", () => {
	it("describes every command, argument and option", () => {
		const program = buildProgram(
			{ stdout: process.stdout, stderr: process.stderr, stdinIsTTY: false, interrupts: new Interrupts() },
			"0.0.0",
			() => {},
		);
		const names = program.commands.map((command) => command.name());
		expect(names).toEqual(
			expect.arrayContaining(["research", "list", "view", "report", "cancel", "stats", "learn", "patterns"]),
		);
		expect(names).toEqual(
			expect.arrayContaining(["goal-plan", "goal-decompose", "goal-explain", "goal-research"]),
		);
		for (const command of [program, ...program.commands]) {
			expect(command.description(), command.name()).not.toBe("");
			for (const option of command.options) expect(option.description, option.flags).not.toBe("");
			for (const argument of command.registeredArguments) expect(argument.description).not.toBe("");
		}
	});
});

describe("usage errors and help, in process", () => {
	/** Runs the CLI in this process with captured output, for cases that never reach a server. */
	async function runInProcess(args: string[]) {
		const output = { stdout: "", stderr: "" };
		const code = await runCli(["node", "research-swarm", ...args], {
			stdout: {
				write: (text) => {
					output.stdout += text;
					return true;
				},
			},
			stderr: {
				write: (text) => {
					output.stderr += text;
					return true;
				},
			},
			stdinIsTTY: false,
			interrupts: new Interrupts(),
		});
		return { code, ...output };
	}

	it.each([
		[["bogus"], /unknown command 'bogus'/],
		[["research"], /missing required argument 'task'/],
		[["research", "x", "--focus", "wide"], /Allowed choices are narrow, balanced, broad/],
		[["list", "-l", "ten"], /expected a whole number/],
		[["research", "x", "--format", "pdf"], /md, json, html/],
		[["research", "x", "--source", "no/such/folder"], /no such file or folder/],
		[["research", "x", "--source", "package.json"], /only \.md and \.txt files/],
		[["report", "job_1", "--format", "md,html"], /one --format/],
		[["view", "job_1", "--url", "ftp://example.com"], /only http and https/],
		[[], /Usage: research-swarm/],
	])("%j exits 2", async (args, message) => {
		const run = await runInProcess([
			...args,
			...(args.includes("--url") ? [] : ["--url", "http://127.0.0.1:9"]),
		]);
		expect(run.code).toBe(EXIT.usage);
		expect(run.stderr).toMatch(message);
	});

	it("refuses --no-wait without a server URL, since a local Worker would stop with the command", async () => {
		const run = await runInProcess(["research", "x", "--no-wait"]);
		expect(run.code).toBe(EXIT.usage);
		expect(run.stderr).toContain("--no-wait needs a running server");
	});

	it("prints help for each command with exit code 0", async () => {
		const run = await runInProcess(["research", "--help"]);
		expect(run.code).toBe(EXIT.completed);
		for (const flag of [
			"--depth",
			"--time",
			"--focus",
			"--anti-hallucination",
			"--no-citations",
			"--single-agent",
		]) {
			expect(run.stdout).toContain(flag);
		}
		expect(run.stdout).toContain("Exit codes:");
		expect((await runInProcess(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
	});
});

describe("the CLI against a local Worker", () => {
	let worker: { url: string; stop(): void };
	let state: string;
	let out: string;
	let stalling: Server;
	const held = new Set<Socket>();

	beforeAll(async () => {
		// A provider API that accepts requests and never answers, so an anthropic job stays running until cancelled.
		stalling = createServer(() => {});
		stalling.on("connection", (socket) => held.add(socket));
		await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
		const stallingUrl = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`;
		state = await mkdtemp(join(tmpdir(), "research-swarm-cli-"));
		out = await mkdtemp(join(tmpdir(), "research-swarm-cli-out-"));
		applyLocalMigrations(state);
		worker = await startLocalWorker(await freePort(), {
			persistTo: state,
			vars: { ANTHROPIC_API_KEY: "stalled", ANTHROPIC_BASE_URL: stallingUrl },
		});
	}, 120_000);

	afterAll(async () => {
		worker?.stop();
		for (const socket of held) socket.destroy();
		await new Promise((resolve) => stalling?.close(resolve));
		await rm(state, { recursive: true, force: true });
		await rm(out, { recursive: true, force: true });
	});

	const TASK = "How do heat pumps perform in cold climates?";

	it("bridges stdio to the server's MCP endpoint with `mcp`", async () => {
		const transport = new StdioClientTransport({
			command: process.execPath,
			args: [CLI, "mcp", "--url", worker.url],
			cwd: ROOT,
		});
		const client = new Client({ name: "cli-bridge-test", version: "1.0.0" });
		await client.connect(transport);
		try {
			const { tools } = await client.listTools();
			expect(tools.map((tool) => tool.name)).toContain("research_swarm_create_job");
			expect(tools.length).toBe(9);
		} finally {
			await client.close();
		}
	}, 60_000);

	it("researches the sample folder, prints plain lines and writes every report format", async () => {
		const sampleCount = (await readdir(join(ROOT, "samples"))).filter((name) =>
			/\.(md|txt)$/.test(name),
		).length;
		const run = await cli([
			"research",
			TASK,
			"--source",
			"samples",
			"--provider",
			"extractive",
			"--out",
			out,
			"--url",
			worker.url,
		]);
		expect(run.code, run.stderr).toBe(EXIT.completed);
		expect(run.stdout).not.toContain(ESC);
		expect(run.stdout).not.toContain("\r");
		const lines = run.stdout.trimEnd().split("\n");
		expect(lines[0]).toMatch(new RegExp(String.raw`^\s+${DURATION} job\.accepted\s+job job_\w+$`));
		expect(lines).toContainEqual(expect.stringMatching(/agent\.completed\s+explorer \d+ findings/));
		expect(lines).toContainEqual(
			expect.stringMatching(new RegExp(String.raw`^\s+${DURATION} job\.completed$`)),
		);
		expect(run.stdout).toContain(`· ${sampleCount} sources`);
		for (const extension of ["md", "json", "html"]) {
			expect(run.stdout).toContain(`wrote ${join(out, `report.${extension}`)}`);
		}
		expect(await readFile(join(out, "report.md"), "utf8")).toMatch(/^# How do heat pumps perform/);
		expect(JSON.parse(await readFile(join(out, "report.json"), "utf8"))).toBeTypeOf("object");
		expect(await readFile(join(out, "report.html"), "utf8")).toMatch(/<html/i);
	});

	it("prints only the final job with --json, and the job can be listed, viewed and reported", async () => {
		const run = await cli(
			[
				"research",
				TASK,
				"--source",
				"samples/field-trials.md",
				"--provider",
				"extractive",
				"--swarm-size",
				"3",
			].concat(["--format", "md,json", "--json", "--url", worker.url]),
		);
		expect(run.code, run.stderr).toBe(EXIT.completed);
		const job = JobViewSchema.parse(JSON.parse(run.stdout));
		expect(job.status).toBe("completed");
		expect(job.plan).toHaveLength(3);
		expect(job.config.formats).toEqual(["markdown", "json"]);

		const list = await cli(["list", "-s", "completed", "-l", "1", "--json", "--url", worker.url]);
		expect(JobListSchema.parse(JSON.parse(list.stdout)).jobs.map((row) => row.id)).toEqual([job.id]);
		const view = await cli(["view", job.id, "--url", worker.url]);
		expect(view.code).toBe(EXIT.completed);
		expect(view.stdout).toContain(`job ${job.id} completed`);
		const report = await cli(["report", job.id, "--format", "json", "--url", worker.url]);
		expect(JSON.parse(report.stdout)).toBeTypeOf("object");
		const missing = await cli(["report", job.id, "--format", "html", "--url", worker.url]);
		expect(missing.code).toBe(EXIT.failed);
		expect(missing.stderr).toContain("format_not_generated");
	});

	it("exits 2 for bad usage, checked before any server is contacted", async () => {
		const invalid = await cli([
			"research",
			"x",
			"-d",
			"11",
			"--swarm-size",
			"2",
			"--url",
			"http://127.0.0.1:9",
		]);
		expect(invalid.code).toBe(EXIT.usage);
		expect(invalid.stderr).toMatch(/--depth: .*<=10/);
		expect(invalid.stderr).toMatch(/--swarm-size: .*>=3/);
		const refused = await cli(["research", "x", "--provider", "openai", "--url", worker.url]);
		expect(refused.code).toBe(EXIT.usage);
		expect(refused.stderr).toContain("provider_not_configured");
	});

	it("exits 3 when the server cannot be reached", async () => {
		const run = await cli(["research", TASK, "--url", "http://127.0.0.1:9"]);
		expect(run.code).toBe(EXIT.unreachable);
		expect(run.stderr).toContain("cannot reach the server at http://127.0.0.1:9");
		expect((await cli(["list"], { RESEARCH_SWARM_URL: "http://127.0.0.1:9" })).code).toBe(EXIT.unreachable);
	});

	it("exits 1 when the job it follows is cancelled", async () => {
		const research = startCli(["research", TASK, "--provider", "anthropic", "--url", worker.url]);
		await research.waitFor(/agent\.started\s+\S+ anthropic/);
		const [, id = ""] = await research.waitFor(/job\.accepted\s+job (\S+)/);
		const cancel = await cli(["cancel", id, "--url", worker.url]);
		expect(cancel.code, cancel.stderr).toBe(EXIT.completed);
		expect(cancel.stdout).toBe(`cancelled job ${id}\n`);
		const run = await research.done;
		expect(run.code).toBe(EXIT.failed);
		expect(run.stdout).toMatch(/job\.cancelled/);
		expect(run.stdout).toContain(`job ${id} cancelled`);
		const again = await cli(["cancel", id, "--url", worker.url]);
		expect(again.code).toBe(EXIT.failed);
		expect(again.stderr).toContain("job_finished");
	});

	it("cancels the job and exits 130 on Ctrl-C without a terminal", async () => {
		const research = startCli(["research", TASK, "--provider", "anthropic", "--url", worker.url]);
		await research.waitFor(/agent\.started/);
		const [, id = ""] = await research.waitFor(/job\.accepted\s+job (\S+)/);
		research.child.kill("SIGINT");
		const run = await research.done;
		expect(run.code).toBe(EXIT.interrupted);
		expect(run.stderr).toContain(`cancelled job ${id}`);
		const view = await cli(["view", id, "--json", "--url", worker.url]);
		expect(JobViewSchema.parse(JSON.parse(view.stdout)).status).toBe("cancelled");
	});

	it("accepts a job without waiting when told --no-wait", async () => {
		const run = await cli([
			"research",
			TASK,
			"--provider",
			"extractive",
			"--no-wait",
			"--json",
			"--url",
			worker.url,
		]);
		expect(run.code).toBe(EXIT.completed);
		expect(JobAcceptedSchema.parse(JSON.parse(run.stdout)).links.events).toMatch(/\/events$/);
	});

	it("plans goals: sub-goals and the planner's explanation", async () => {
		const goal = "Heat pumps vs gas furnaces for a cold-climate home";
		const decompose = await cli([
			"goal-decompose",
			goal,
			"--provider",
			"extractive",
			"--json",
			"--url",
			worker.url,
		]);
		const subgoals: { id: string }[] = JSON.parse(decompose.stdout);
		expect(subgoals.length).toBeGreaterThanOrEqual(2);
		const explain = await cli(["goal-explain", goal, "--provider", "extractive", "--url", worker.url]);
		expect(explain.code).toBe(EXIT.completed);
		expect(explain.stdout).toContain(`research:${subgoals[0]?.id}`);
		const stats = await cli(["stats", "--url", worker.url]);
		expect(JSON.parse(stats.stdout)).toHaveProperty("jobsByStatus");
	});

	it("starts its own local Worker when no URL is given, and stops it afterwards", async () => {
		const ownState = await mkdtemp(join(tmpdir(), "research-swarm-cli-own-"));
		try {
			const run = await cli(
				["research", TASK, "--source", "samples/field-trials.md", "--swarm-size", "3", "--json"],
				{ RESEARCH_SWARM_STATE_DIR: ownState },
			);
			expect(run.code, run.stderr).toBe(EXIT.completed);
			expect(run.stderr).toContain("starting a local Worker");
			expect(JobViewSchema.parse(JSON.parse(run.stdout)).status).toBe("completed");
			const stillRunning = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).includes(ownState);
			const deadline = Date.now() + 10_000;
			while (stillRunning() && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 200));
			expect(stillRunning()).toBe(false);
		} finally {
			await rm(ownState, { recursive: true, force: true });
		}
	}, 180_000);
});
