/** The `research-swarm` command line: every command, option and help text, wired to the command modules. */
import { Command, Option } from "commander";
import { JOB_STATUSES } from "../src/protocol.ts";
import { type GoalOptions, type GoalView, runGoalPlan } from "./commands/goals.ts";
import {
	type ListOptions,
	type ReportOptions,
	runCancel,
	runList,
	runReport,
	runView,
} from "./commands/jobs.ts";
import { runLearn, runPatterns, runStats } from "./commands/learning.ts";
import { runMcpBridge } from "./commands/mcp.ts";
import { type ResearchOptions, runResearch } from "./commands/research.ts";
import type { CliContext, ServerFlags } from "./context.ts";
import type { ExitCode } from "./errors.ts";
import { parseDecimal, parseFormats, parseMetadata, parseWholeNumber } from "./research-request.ts";

const EXIT_CODES_HELP = `
Exit codes:
  0    completed
  1    the job failed or was cancelled, or the server refused the request
  2    bad usage (unknown command, invalid option or request)
  3    the server could not be reached
  130  interrupted (Ctrl-C)`;

const SERVER_HELP = `
Server:
  Commands talk to the server at --url (or RESEARCH_SWARM_URL), authenticating with --api-key (or
  RESEARCH_SWARM_API_KEY) as a Bearer token. Without a URL the command starts a local Worker with
  wrangler dev in dev mode (no key needed), runs against it and stops it afterwards.`;

const RESEARCH_EXAMPLES = `
Examples:
  $ research-swarm research "How do heat pumps perform in cold climates?" --source samples --out out
  $ research-swarm research "Heat pump refrigerants" -d 7 --swarm-size 5 --format md,html --out out
  $ research-swarm research "Grid impact of heat pumps" --url https://research.example.com --no-wait
  $ research-swarm research "Heat pump refrigerants" --provider anthropic --budget 2 --dry-run`;

function collect(value: string, previous: string[] | undefined): string[] {
	return [...(previous ?? []), value];
}

/** The options `research` and `goal-research` share; `goal-research` fixes the mode. */
function addResearchOptions(command: Command, withMode: boolean): Command {
	command
		.option(
			"-d, --depth <n>",
			"research depth, 1 (quick scan) to 10 (exhaustive); default 5",
			parseWholeNumber,
		)
		.option("-t, --time <minutes>", "time budget in minutes, 10 to 480; default 120", parseWholeNumber)
		.addOption(
			new Option("-f, --focus <focus>", "how widely to search; default balanced").choices([
				"narrow",
				"balanced",
				"broad",
			]),
		)
		.addOption(
			new Option(
				"--anti-hallucination <level>",
				"unsupported claims: high removes them to an appendix, medium flags them, low only counts them; default high",
			).choices(["low", "medium", "high"]),
		)
		.option("--no-citations", "do not require citations for findings")
		.option("--single-agent", "run one agent instead of a swarm")
		.option(
			"--swarm-size <n>",
			"number of agents, 3 to 7; default from the task's complexity",
			parseWholeNumber,
		)
		.option("--max-concurrent <n>", "agents running at once, 1 to 8; default 4", parseWholeNumber)
		.option(
			"--provider <name>",
			"model provider: auto, extractive, anthropic, openai, gemini, openrouter, workers-ai; default auto",
		)
		.option("--model <id>", "model id for the provider; default the provider's current model for each role")
		.option("--cost-optimize", "with provider auto, prefer the cheapest configured provider (OpenRouter)")
		.option(
			"--source <path|url>",
			"a source to research: an http(s) URL, or a .md/.txt file or a folder of them (repeatable)",
			collect,
		)
		.option(
			"--format <list>",
			"report formats to produce and write: md,json,html; default all three",
			parseFormats,
		)
		.option(
			"--out <dir>",
			"write <job-id>.md, <job-id>.json and <job-id>.html (per --format) into this folder",
		)
		.option("--budget <usd>", "spending cap for the job's model calls, in US dollars", parseDecimal)
		.option("--callback-url <url>", "http(s) address that receives the job's outcome as a signed webhook")
		.option(
			"--metadata <key=value>",
			"a value returned with the job (repeatable); numbers, true, false and null are typed, the rest is text",
			parseMetadata,
		)
		.option(
			"--idempotency-key <key>",
			"submitting again with the same key and request returns the first job instead of starting another",
		);
	if (withMode) {
		command.addOption(
			new Option(
				"--mode <mode>",
				"direct: one swarm; goal: sub-goals with their own swarms; auto: goal mode for very complex tasks",
			).choices(["direct", "goal", "auto"]),
		);
	}
	return command
		.option(
			"--max-subgoals <n>",
			"in goal mode, the most sub-goals to split into, 2 to 10; default 6",
			parseWholeNumber,
		)
		.option(
			"--dry-run",
			"print the plan (agents, dependencies, time shares) and the cost upper bound; submit nothing",
		)
		.option("--no-wait", "print the job id once accepted instead of following the job (needs --url)")
		.option("--json", "print only the final job as JSON (no progress); with --dry-run, the plan")
		.option("--verbose", "log every event with its data, one line each, instead of the live display")
		.addHelpText("after", `${RESEARCH_EXAMPLES}\n${EXIT_CODES_HELP}`);
}

/** The options the goal planning commands share. */
function addGoalOptions(command: Command, withJson: boolean): Command {
	command
		.option("--max-subgoals <n>", "the most sub-goals to split into, 2 to 10; default 6", parseWholeNumber)
		.option(
			"-d, --depth <n>",
			"research depth, 1 to 10, which sets each sub-goal's complexity; default 5",
			parseWholeNumber,
		)
		.option(
			"--swarm-size <n>",
			"agents per sub-goal, 3 to 7, for the agent and cost estimate",
			parseWholeNumber,
		)
		.option(
			"--provider <name>",
			"provider that decomposes the goal and that the plan is priced for; default auto",
		)
		.option(
			"--model <id>",
			"model that decomposes the goal and that the plan is priced for; default the provider's",
		);
	return withJson ? command.option("--json", "print the answer as JSON") : command;
}

/**
 * Builds the program. Each action reports its exit code through `setExitCode`; errors propagate to the
 * caller, which maps them to exit codes.
 */
export function buildProgram(
	context: CliContext,
	version: string,
	setExitCode: (code: ExitCode) => void,
): Command {
	const program = new Command("research-swarm");
	const run = async (command: Command, action: (server: ServerFlags) => Promise<ExitCode>) => {
		setExitCode(await action(command.optsWithGlobals<ServerFlags>()));
	};

	program
		.description("Multi-agent research with checked citations, from the command line.")
		.version(version, "-V, --version", "print the version")
		.helpOption("-h, --help", "show help for a command")
		.helpCommand("help [command]", "show help for a command")
		.addOption(
			new Option("--url <url>", "API server to use instead of a local Worker").env("RESEARCH_SWARM_URL"),
		)
		.addOption(new Option("--api-key <key>", "API key, sent as a Bearer token").env("RESEARCH_SWARM_API_KEY"))
		.addOption(
			new Option("--state-dir <dir>", "where a local Worker keeps its data; default .wrangler/state").env(
				"RESEARCH_SWARM_STATE_DIR",
			),
		)
		.showHelpAfterError("(add --help for usage)")
		.exitOverride()
		.configureOutput({
			writeOut: (text) => context.stdout.write(text),
			writeErr: (text) => context.stderr.write(text),
		})
		.addHelpText("after", `${SERVER_HELP}\n${EXIT_CODES_HELP}`);

	addResearchOptions(
		program.command("research").description("research a task with a swarm of agents and follow it live"),
		true,
	)
		.argument("<task>", "the question or task to research")
		.action((task: string, options: ResearchOptions, command: Command) =>
			run(command, (server) => runResearch(task, options, server, context)),
		);

	addResearchOptions(
		program
			.command("goal-research")
			.description("research a goal in goal mode: sub-goals, each with its own swarm"),
		false,
	)
		.argument("<goal>", "the goal to research")
		.action((goal: string, options: ResearchOptions, command: Command) =>
			run(command, (server) => runResearch(goal, { ...options, mode: "goal" }, server, context)),
		);

	program
		.command("list")
		.description("list jobs, newest first")
		.addOption(new Option("-s, --status <status>", "only jobs with this status").choices(JOB_STATUSES))
		.option("-l, --limit <n>", "jobs per page, 1 to 100; default 20", parseWholeNumber)
		.option("--cursor <cursor>", "the page after the one that printed this cursor")
		.option("--json", "print the answer as JSON")
		.action((options: ListOptions, command: Command) =>
			run(command, (server) => runList(options, server, context)),
		);

	program
		.command("view")
		.description("show a job: status, configuration, agents, sources and metrics")
		.argument("<id>", "job id")
		.option("--json", "print the job as JSON")
		.action((id: string, options: { json?: boolean }, command: Command) =>
			run(command, (server) => runView(id, options, server, context)),
		);

	program
		.command("report")
		.description("print a completed job's report, or write it to a folder")
		.argument("<id>", "job id")
		.option(
			"--format <list>",
			"md, json or html to print (default md); with --out, a list such as md,html",
			parseFormats,
		)
		.option("--out <dir>", "write <job-id>.<ext> files here; default formats: all the job produced")
		.action((id: string, options: ReportOptions, command: Command) =>
			run(command, (server) => runReport(id, options, server, context)),
		);

	program
		.command("cancel")
		.description("cancel a job that has not finished")
		.argument("<id>", "job id")
		.option("--json", "print the cancelled job as JSON")
		.action((id: string, options: { json?: boolean }, command: Command) =>
			run(command, (server) => runCancel(id, options, server, context)),
		);

	program
		.command("mcp")
		.description("bridge stdio to the server's MCP endpoint (/mcp), for desktop MCP clients; needs --url")
		.action((_options: object, command: Command) => run(command, (server) => runMcpBridge(server)));

	program
		.command("stats")
		.description("learning and usage statistics: jobs by status, rewards over time, tokens and cost (JSON)")
		.action((_options: object, command: Command) => run(command, (server) => runStats(server, context)));

	program
		.command("learn")
		.description("distill learned patterns into clusters and link associations (JSON)")
		.option(
			"--min-patterns <n>",
			"the fewest similar patterns that form a cluster, 1 to 1000",
			parseWholeNumber,
		)
		.action((options: { minPatterns?: number }, command: Command) =>
			run(command, (server) => runLearn(options, server, context)),
		);

	program
		.command("patterns")
		.description("learned patterns most similar to a query (JSON)")
		.argument("<query>", "text to compare the patterns' tasks with")
		.option("-l, --limit <n>", "how many patterns, 1 to 100; default 5", parseWholeNumber)
		.action((query: string, options: { limit?: number }, command: Command) =>
			run(command, (server) => runPatterns(query, options, server, context)),
		);

	const goalCommands: [name: string, view: GoalView, description: string][] = [
		["goal-plan", "plan", "plan a goal without running it: sub-goals, order, levels, agents and cost (JSON)"],
		["goal-decompose", "subgoals", "split a goal into sub-goals with dependencies and success criteria"],
		["goal-explain", "explanation", "explain the order the planner chose for a goal's sub-goals"],
	];
	for (const [name, view, description] of goalCommands) {
		addGoalOptions(program.command(name).description(description), view !== "plan")
			.argument("<goal>", "the goal to plan")
			.action((goal: string, options: GoalOptions, command: Command) =>
				run(command, (server) => runGoalPlan(goal, view, options, server, context)),
			);
	}
	return program;
}
