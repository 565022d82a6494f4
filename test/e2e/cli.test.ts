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
import { applyEvent, emptyBoard } from "../../cli/board";
import { CliError, EXIT } from "../../cli/errors";
import { Interrupts } from "../../cli/interrupts";
import { followJobEvents, RECONNECT_ATTEMPTS } from "../../cli/job-events";
import { buildProgram } from "../../cli/program";
import { describeEvent, formatDuration, progressBar, renderBoard } from "../../cli/render";
import { parseFormats, researchRequestFrom, validateResearchRequest } from "../../cli/research-request";
import { runCli } from "../../cli/run";
import { titleFor } from "../../cli/sources";
import { SseParser } from "../../public/assets/sse.js";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { JobAcceptedSchema, type JobEvent, JobListSchema, JobViewSchema } from "../../src/protocol";

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

/** Starts `node cli/main.ts …` with pipes (no TTY) and collects its output. */
function startCli(args: string[], env: Record<string, string> = {}) {
	const child: ChildProcess = spawn(process.execPath, ["cli/main.ts", ...args], {
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

function event(seq: number, type: JobEvent["type"], data: Partial<JobEvent["data"]> = {}): JobEvent {
	return { seq, type, data: { jobId: "job_1", at: 1_000 + seq * 100, ...data } };
}

describe("SSE parsing", () => {
	const stream =
		'retry: 1000\n\n: keepalive\n\nid: 1\nevent: job.accepted\ndata: {"a":1}\n\n' +
		"id: 2\r\nevent: agent.started\r\ndata: line one\r\ndata: line two\r\n\r\n" +
		"event: ignored-without-data\n\nid: 3\rdata: plain\r\r";

	it("reads fields, comments, multi-line data and every line ending", () => {
		const parser = new SseParser();
		expect(parser.push(stream)).toEqual([
			{ id: "1", event: "job.accepted", data: '{"a":1}' },
			{ id: "2", event: "agent.started", data: "line one\nline two" },
			{ id: "3", event: "message", data: "plain" },
		]);
		expect(parser.retryMs).toBe(1000);
	});

	it("gives the same messages however the stream is cut into chunks", () => {
		const whole = new SseParser().push(stream);
		fc.assert(
			fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
				const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), stream.length];
				const parser = new SseParser();
				const messages = points
					.slice(1)
					.flatMap((end, index) => parser.push(stream.slice(points[index], end)));
				expect(messages).toEqual(whole);
			}),
		);
	});

	it("keeps an unfinished message until its blank line arrives", () => {
		const parser = new SseParser();
		expect(parser.push("id: 7\nevent: job.completed\ndata: {}\n")).toEqual([]);
		expect(parser.push("\n")).toEqual([{ id: "7", event: "job.completed", data: "{}" }]);
	});
});

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

	const sse = (seq: number, type: string) =>
		`id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ jobId: "job_1", at: seq })}\n\n`;

	it("reconnects after a drop with Last-Event-ID and delivers each event once", async () => {
		requests.length = 0;
		respond = (response, attempt) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			if (attempt === 1) {
				// Events 1 and 2, then half of event 3, then the connection drops.
				response.write(
					`retry: 5\n\n${sse(1, "job.accepted")}${sse(2, "job.planned")}id: 3\nevent: job.synth`,
					() => setTimeout(() => response.destroy(), 20),
				);
				return;
			}
			// The server replays from the id it was given; a stale duplicate must be skipped.
			response.end(`${sse(2, "job.planned")}${sse(3, "job.synthesizing")}${sse(4, "job.completed")}`);
		};
		const seen: number[] = [];
		const client = new ApiClient({
			baseUrl: url,
			apiKey: "rs_test_key",
			signal: new AbortController().signal,
		});
		const last = await followJobEvents({
			client,
			jobId: "job_1",
			signal: new AbortController().signal,
			onEvent: (received) => seen.push(received.seq),
		});
		expect(seen).toEqual([1, 2, 3, 4]);
		expect(last.type).toBe("job.completed");
		expect(requests).toEqual([undefined, "2"]);
	});

	it("gives up as unreachable when the stream keeps closing without news", async () => {
		requests.length = 0;
		respond = (response) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			response.end("retry: 1\n\n");
		};
		const client = new ApiClient({ baseUrl: url, apiKey: null, signal: new AbortController().signal });
		const following = followJobEvents({
			client,
			jobId: "job_1",
			signal: new AbortController().signal,
			onEvent: () => {},
		});
		await expect(following).rejects.toMatchObject({ exitCode: EXIT.unreachable });
		expect(requests).toHaveLength(RECONNECT_ATTEMPTS);
	});

	it("stops with the interrupted code when the signal aborts", async () => {
		respond = (response) => {
			response.writeHead(200, { "content-type": "text/event-stream" });
			response.write(sse(1, "job.accepted"));
		};
		const controller = new AbortController();
		const client = new ApiClient({ baseUrl: url, apiKey: null, signal: controller.signal });
		const following = followJobEvents({
			client,
			jobId: "job_1",
			signal: controller.signal,
			onEvent: () => controller.abort(),
		});
		await expect(following).rejects.toEqual(new CliError("interrupted", EXIT.interrupted));
	});
});

describe("the progress board and its text", () => {
	const plan = [
		{ id: "explorer", role: "explorer", phase: "research", dependsOn: [], timeShare: 0.5 },
		{ id: "synthesizer", role: "synthesizer", phase: "synthesis", dependsOn: ["explorer"], timeShare: 0.5 },
	];
	const usage = {
		inputTokens: 900,
		outputTokens: 100,
		cacheReadTokens: 0,
		cacheWriteTokens: 0,
		searchCalls: 0,
		costUsd: 0.0123,
	};
	const events = [
		event(1, "job.accepted"),
		event(2, "job.planned", { plan }),
		event(3, "agent.dispatched", { agentId: "explorer", role: "explorer", attempt: 1 }),
		event(4, "agent.started", { agentId: "explorer", role: "explorer", attempt: 1, provider: "extractive" }),
		event(5, "agent.progress", { agentId: "explorer", role: "explorer", attempt: 1, progress: 60 }),
	];

	it("folds events into one row per planned agent", () => {
		const board = events.reduce(applyEvent, emptyBoard("job_1"));
		expect(board.status).toBe("running");
		expect(board.agents.map((agent) => [agent.id, agent.status, agent.progress])).toEqual([
			["explorer", "running", 60],
			["synthesizer", "pending", 0],
		]);
		const done = applyEvent(
			board,
			event(6, "agent.completed", { agentId: "explorer", role: "explorer", attempt: 1, usage, findings: 3 }),
		);
		expect(done.agents[0]).toMatchObject({
			status: "completed",
			progress: 100,
			tokens: 1000,
			costUsd: 0.0123,
		});
		expect(done.agents[0]?.finishedAt).toBe(1_600);
	});

	it("adds an agent the plan did not list, and ends the job on a terminal event", () => {
		const board = [
			...events,
			event(6, "agent.retrying", { agentId: "critic-2", role: "critic", attempt: 1, reason: "error" }),
			event(7, "job.cancelled", { status: "cancelled" }),
		].reduce(applyEvent, emptyBoard("job_1"));
		expect(board.agents.map((agent) => `${agent.id}:${agent.status}`)).toEqual([
			"explorer:running",
			"synthesizer:pending",
			"critic-2:retrying",
		]);
		expect(board).toMatchObject({ status: "cancelled", acceptedAt: 1_100, finishedAt: 1_700 });
	});

	it("renders a header and one line per agent with status, bar, elapsed time, tokens and cost", () => {
		const board = events.reduce(applyEvent, emptyBoard("job_1"));
		const lines = renderBoard(board, 2_900);
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(/^job job_1 running .* 30%\s+1\.8s 0 tok \$0\.0000$/);
		expect(lines[1]).toMatch(/^ {2}explorer\s+running\s+\[█{10}░{6}\]\s+60%\s+1\.5s\s+0 tok \$0\.0000$/);
		expect(lines[2]).toMatch(/^ {2}synthesizer pending\s+\[░{16}\]\s+0%\s+-\s+0 tok/);
	});

	it("describes events as plain lines, with the data in verbose mode", () => {
		const started = events[3] as JobEvent;
		expect(describeEvent(started, 1_100, false)).toBe("   0.3s agent.started     explorer extractive");
		expect(describeEvent(started, 1_100, true)).toContain('"provider":"extractive"');
		expect(describeEvent(events[1] as JobEvent, 1_100, false)).toContain("2 agents: explorer, synthesizer");
	});

	it("formats bars and durations at their edges", () => {
		expect(progressBar(0, 4)).toBe("[░░░░]");
		expect(progressBar(150, 4)).toBe("[████]");
		expect(formatDuration(59_999)).toBe("59.9s");
		expect(formatDuration(60_000)).toBe("1m00s");
		expect(formatDuration(3_725_000)).toBe("1h02m");
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
			args: [join(ROOT, "cli", "main.ts"), "mcp", "--url", worker.url],
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
		expect(lines[0]).toMatch(/^\s+0\.\ds job\.accepted\s+job job_\w+$/);
		expect(lines).toContainEqual(expect.stringMatching(/agent\.completed\s+explorer \d+ findings/));
		expect(lines).toContainEqual(expect.stringMatching(/^\s+\d+\.\ds job\.completed$/));
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
