import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliErrorOf, EXIT } from "../../cli/errors";
import { Interrupts } from "../../cli/interrupts";
import { buildProgram } from "../../cli/program";
import { eventLine, progressBar, renderBoard, renderJobSummary } from "../../cli/render";
import {
	FLAG_FOR_FIELD,
	parseFormats,
	parseMetadata,
	researchRequestFrom,
	validateResearchRequest,
} from "../../cli/research-request";
import { runCli } from "../../cli/run";
import { titleFor } from "../../cli/sources";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { ApiError, ConnectionError, EventStreamError } from "../../src/client/index";
import { applyEvent, emptyProgress, foldEvents } from "../../src/events/progress";
import {
	JobAcceptedSchema,
	type JobEvent,
	JobListSchema,
	JobViewSchema,
	ResearchRequestSchema,
	ZERO_USAGE,
} from "../../src/protocol";
import { buildReport } from "../../src/synthesis/build-report";
import { testConfig } from "../fixtures/agent-context";
import { agentEvent, jobEvent, testMetrics } from "../fixtures/job-events";
import { testJobView } from "../fixtures/job-view";
import { makeReportInput } from "../unit/synthesis/report-fixture";

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

describe("exit codes of the client's errors", () => {
	it("exits 2 for a refused request, with the details that say what to change, and 1 for other refusals", () => {
		const refused = cliErrorOf(
			new ApiError(422, "provider_not_configured", 'provider "openai" is not configured', {
				available: ["auto", "extractive"],
			}),
		);
		expect(refused).toMatchObject({ exitCode: EXIT.usage });
		expect(refused?.message).toMatch(/is not configured \(provider_not_configured\)\n[\s\S]*"extractive"/);
		expect(cliErrorOf(new ApiError(404, "not_found", "no job job_1", { jobId: "job_1" }))).toMatchObject({
			exitCode: EXIT.failed,
			message: "no job job_1 (not_found)",
		});
	});

	it("exits 3 when the server or its event stream cannot be reached, and 1 for an event it cannot read", () => {
		const unreachable = cliErrorOf(new ConnectionError("http://127.0.0.1:9/v1/research", new Error("x")));
		expect(unreachable?.exitCode).toBe(EXIT.unreachable);
		expect(cliErrorOf(new EventStreamError("lost", "gave up"))?.exitCode).toBe(EXIT.unreachable);
		expect(cliErrorOf(new EventStreamError("invalid", "event 3"))?.exitCode).toBe(EXIT.failed);
		expect(cliErrorOf(new Error("a bug"))).toBeNull();
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

	it("shows a running agent's latest progress note at the end of its line, and drops it once it ends", () => {
		const noted = applyEvent(
			foldEvents(events),
			agentEvent(6, "agent.progress", explorer, { progress: 70, note: "reading 2 sources" }),
		);
		expect(renderBoard(noted, 2_900)[1]).toMatch(/70%\s+1\.5s\s+0 tok \$0\.0000 · reading 2 sources$/);
		const done = applyEvent(
			noted,
			agentEvent(7, "agent.completed", explorer, { findings: 1, usage: ZERO_USAGE, providerMs: 10 }),
		);
		expect(renderBoard(done, 2_900)[1]).toMatch(/\$0\.0000$/);
	});

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

	it("turns --cost-optimize and --metadata into request fields", () => {
		const metadata = [
			"ticket=4711",
			"team=heat",
			"urgent=true",
			"owner=null",
			"ratio=0.5",
			"code=007",
		].reduce(
			(previous: Record<string, string | number | boolean | null> | undefined, entry) =>
				parseMetadata(entry, previous),
			undefined,
		);
		expect(validateResearchRequest(researchRequestFrom("x", { costOptimize: true, metadata }, []))).toEqual({
			task: "x",
			costOptimize: true,
			metadata: { ticket: 4711, team: "heat", urgent: true, owner: null, ratio: 0.5, code: "007" },
		});
		expect(parseMetadata("note=a=b", undefined)).toEqual({ note: "a=b" });
		expect(() => parseMetadata("=x", undefined)).toThrow(/key=value/);
	});

	it("has an option for every field of the research request", () => {
		const program = buildProgram(
			{ stdout: process.stdout, stderr: process.stderr, stdinIsTTY: false, interrupts: new Interrupts() },
			"0.0.0",
			() => {},
		);
		const research = program.commands.find((command) => command.name() === "research");
		const flags = new Set(research?.options.map((option) => option.long));
		for (const field of Object.keys(ResearchRequestSchema.shape)) {
			const flag = FLAG_FOR_FIELD[field as keyof typeof FLAG_FOR_FIELD];
			expect(flag === "<task>" || flags.has(flag), `${field} → ${flag}`).toBe(true);
		}
	});

	it("titles a text source by its first heading, else its file name", () => {
		expect(titleFor("a/trial.md", "intro\n## Field trial ##\n# Later")).toBe("Field trial");
		expect(titleFor("a/notes.txt", "no heading here")).toBe("notes.txt");
	});
});

describe("the closing summary", () => {
	it("says the outcome, duration, quality and the share of verified citations", () => {
		const report = buildReport(makeReportInput());
		const scores = {
			quality: { ...report.quality, overall: 0.8234 },
			verification: { ...report.verification, citationsTotal: 44, citationsVerified: 41 },
		};
		const lines = renderJobSummary(testJobView(), scores);
		expect(lines[0]).toBe("job job_1 completed in 5.0s");
		expect(lines).toContain("quality 0.82 · 41 of 44 citations verified (93%)");
		expect(renderJobSummary(testJobView({ status: "failed" }))).toHaveLength(2);
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

	it("answers what it was sent and exits 0 when its input closes", async () => {
		const requests = [
			{
				jsonrpc: "2.0",
				id: 1,
				method: "initialize",
				params: {
					protocolVersion: "2025-06-18",
					capabilities: {},
					clientInfo: { name: "pipe", version: "1" },
				},
			},
			{ jsonrpc: "2.0", method: "notifications/initialized" },
			{ jsonrpc: "2.0", id: 2, method: "tools/list" },
		];
		const child = spawn(process.execPath, [CLI, "mcp", "--url", worker.url], {
			cwd: ROOT,
			env: cleanEnv(),
			stdio: ["pipe", "pipe", "pipe"],
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (chunk) => {
			stdout += chunk;
		});
		child.stderr.on("data", (chunk) => {
			stderr += chunk;
		});
		child.stdin.end(requests.map((request) => `${JSON.stringify(request)}\n`).join(""));
		const code = await new Promise((resolve) => child.on("close", resolve));
		expect(code, stderr).toBe(EXIT.completed);
		expect(stderr).toBe("");
		const answers = stdout
			.trimEnd()
			.split("\n")
			.map((line) => JSON.parse(line));
		// JSON-RPC lets answers come in any order; each request gets exactly one.
		expect(answers.map((answer) => answer.id).sort()).toEqual([1, 2]);
		expect(answers.find((answer) => answer.id === 2)?.result.tools).toHaveLength(9);
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
		const [, id = ""] = /job (job_\w+) completed in \S+/.exec(run.stdout) ?? [];
		expect(run.stdout).toMatch(/^quality \d\.\d\d · \d+ of \d+ citations verified \(\d+%\)$/m);
		for (const extension of ["md", "json", "html"]) {
			expect(run.stdout).toContain(`wrote ${join(out, `${id}.${extension}`)}`);
		}
		expect(await readFile(join(out, `${id}.md`), "utf8")).toMatch(/^# How do heat pumps perform/);
		expect(JSON.parse(await readFile(join(out, `${id}.json`), "utf8"))).toHaveProperty("quality.overall");
		expect(await readFile(join(out, `${id}.html`), "utf8")).toMatch(/<html/i);

		const again = await cli(
			["research", TASK, "--source", "samples/field-trials.md", "--swarm-size", "3", "--format", "md"].concat(
				["--out", out, "--url", worker.url],
			),
		);
		expect(again.code, again.stderr).toBe(EXIT.completed);
		const [, second = ""] = /job (job_\w+) completed/.exec(again.stdout) ?? [];
		expect(second).not.toBe(id);
		expect((await readdir(out)).sort()).toEqual(
			[`${id}.html`, `${id}.json`, `${id}.md`, `${second}.md`].sort(),
		);
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
		expect(run.stderr).toContain("cannot reach http://127.0.0.1:9/v1/research");
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

	it("shows the plan and the cost bound with --dry-run, and submits nothing", async () => {
		const jobsBefore = JobListSchema.parse(
			JSON.parse((await cli(["list", "--json", "--url", worker.url])).stdout),
		);
		const priced = await cli(["research", TASK, "--provider", "anthropic", "--dry-run", "--url", worker.url]);
		expect(priced.code, priced.stderr).toBe(EXIT.completed);
		expect(priced.stdout).toMatch(/^dry run: nothing was submitted$/m);
		expect(priced.stdout).toMatch(
			/^ {2}synthesizer +after explorer, depth-analyst, verifier, trend-analyst +20% +20m 00s +claude-/m,
		);
		expect(priced.stdout).toMatch(
			/^cost upper bound: \$\d+\.\d{4} \(every agent task at its worst case, price table of \d{4}-\d\d-\d\d\)$/m,
		);

		const json = await cli([
			"research",
			TASK,
			"--swarm-size",
			"3",
			"--budget",
			"0.5",
			"--dry-run",
			"--json",
			"--url",
			worker.url,
		]);
		const plan = JSON.parse(json.stdout);
		expect(plan.config.provider).toBe("anthropic");
		expect(plan.agents.map((agent: { id: string }) => agent.id)).toEqual([
			"explorer",
			"depth-analyst",
			"synthesizer",
		]);
		expect(
			plan.agents.reduce((sum: number, agent: { timeShare: number }) => sum + agent.timeShare, 0),
		).toBeCloseTo(1);
		expect(plan.cost.maxUsd).toBeGreaterThan(0);
		expect(plan.caveats.join("\n")).toMatch(
			/provider, which the request leaves open[\s\S]*budget of \$0\.5000/,
		);

		const extractive = await cli([
			"research",
			TASK,
			"--provider",
			"extractive",
			"--dry-run",
			"--url",
			worker.url,
		]);
		expect(extractive.stdout).toContain("cost upper bound: none — the extractive provider calls no model");
		const unpriced = await cli([
			"research",
			TASK,
			"--provider",
			"anthropic",
			"--model",
			"claude-unlisted",
			"--dry-run",
			"--url",
			worker.url,
		]);
		expect(unpriced.stdout).toContain(
			"cost upper bound: none — model claude-unlisted of anthropic has no price",
		);
		const goal = await cli(
			["research", "1. costs 2. performance 3. reliability of heat pumps", "--mode", "goal"].concat([
				"--provider",
				"extractive",
				"--dry-run",
				"--url",
				worker.url,
			]),
		);
		expect(goal.code, goal.stderr).toBe(EXIT.completed);
		expect(goal.stdout).toMatch(/^plan: \d+ sub-goals in levels .+, then one master synthesis$/m);
		expect(goal.stdout).toMatch(/^agents: \d+ in all$/m);
		const refused = await cli(["research", TASK, "--provider", "openai", "--dry-run", "--url", worker.url]);
		expect(refused.code).toBe(EXIT.usage);
		expect(refused.stderr).toContain('provider "openai" is not configured on the server');

		const jobsAfter = JobListSchema.parse(
			JSON.parse((await cli(["list", "--json", "--url", worker.url])).stdout),
		);
		expect(jobsAfter.jobs.map((job) => job.id)).toEqual(jobsBefore.jobs.map((job) => job.id));
	});

	it("sends the metadata, cost preference and idempotency key it is given", async () => {
		const args = ["research", TASK, "--source", "samples/field-trials.md", "--provider", "extractive"].concat(
			[
				"--metadata",
				"ticket=4711",
				"--cost-optimize",
				"--idempotency-key",
				`cli-${Date.now()}`,
				"--no-wait",
				"--json",
				"--url",
				worker.url,
			],
		);
		const first = JobAcceptedSchema.parse(JSON.parse((await cli(args)).stdout));
		const again = JobAcceptedSchema.parse(JSON.parse((await cli(args)).stdout));
		expect(again.id).toBe(first.id);
		const view = JobViewSchema.parse(
			JSON.parse((await cli(["view", first.id, "--json", "--url", worker.url])).stdout),
		);
		expect(view.metadata).toEqual({ ticket: 4711 });
		expect(view.config.costOptimize).toBe(true);
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
