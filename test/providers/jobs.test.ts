import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { evidenceKey } from "../../src/lib/object-keys";
import { BREAKER_THRESHOLD } from "../../src/providers/breaker";
import { type ModelPrice, priceOf } from "../../src/providers/prices";
import { SDK_MAX_RETRIES } from "../../src/providers/types";
import { ProvenanceSchema } from "../../src/synthesis/provenance";
import { ReportSchema } from "../../src/synthesis/report-schema";
import anthropicOverloaded from "../fixtures/providers/anthropic/error-529-overloaded.json";
import anthropicRecord from "../fixtures/providers/anthropic/record-findings.json";
import anthropicInvalid from "../fixtures/providers/anthropic/record-invalid.json";
import anthropicResearch from "../fixtures/providers/anthropic/research-web.json";
import geminiGrounded from "../fixtures/providers/gemini/grounded-structured.json";
import geminiResearch from "../fixtures/providers/gemini/research-answer.json";
import geminiRestatement from "../fixtures/providers/gemini/structured-restatement.json";
import openaiWebSearch from "../fixtures/providers/openai/response-web-search.json";
import openrouterWebSearch from "../fixtures/providers/openrouter/completion-web-search.json";
import { recordedResponseFor, recordingProblem, unrecorded } from "../fixtures/providers/replay.mjs";
import { api, eventLog, getJob, postJson, report, submit, TENANT, waitForJob } from "../integration/harness";
import {
	type FakeInternet,
	type Fixture,
	installFakeInternet,
	installFakeInternetFor,
	isCall,
	type Route,
	redirects,
	reply,
} from "./fake-internet";
import { RECORDED_WEB as WEB } from "./recorded-web";
import { PROVIDER_SECRETS } from "./secrets";

const NORWEGIAN_TRIAL =
	"The Norwegian trial followed 60 homes for two winters. Their heat pumps reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C, with backup heat needed on fewer than ten days.";

/** A three-agent job on cold-climate heat pumps with one attached source; add the provider and model. */
const COLD_CLIMATE_JOB = {
	task: "How well do air-source heat pumps work in cold climates?",
	swarmSize: 3,
	sources: [{ title: "Norwegian trial", text: NORWEGIAN_TRIAL }],
};

const GEMINI_REDIRECTS = redirects(
	Object.fromEntries(
		geminiGrounded.body.candidates[0]?.groundingMetadata.groundingChunks.map((chunk) => [
			chunk.web.uri,
			{
				"nrel.gov": "https://www.nrel.gov/docs/fy25osti/cold-climate-heat-pump-field-validation.pdf",
				"iea.org": "https://www.iea.org/reports/the-future-of-heat-pumps",
				"energy.gov": "https://www.energy.gov/eere/buildings/cold-climate-air-source-heat-pumps",
			}[chunk.web.title] ?? "https://unknown.invalid/",
		]) ?? [],
	),
);

const RECORDINGS = import.meta.glob<Fixture>("../fixtures/providers/*/*.json", {
	eager: true,
	import: "default",
});
const PROVIDER_HOSTS = new Set([
	"api.anthropic.com",
	"api.openai.com",
	"generativelanguage.googleapis.com",
	"openrouter.ai",
]);

/**
 * The four providers' APIs, answered with the same recordings the local mock server replays; a request
 * that lacks a tool its recording used is refused, and a call no recording covers (the support judge's)
 * gets the mock server's 404.
 */
const providerApis: Route = (request, body) => {
	const url = new URL(request.url);
	if (!PROVIDER_HOSTS.has(url.hostname)) return null;
	const name = recordedResponseFor(url.pathname, body);
	const problem = name ? recordingProblem(name, body) : null;
	if (problem) throw new Error(`${request.method} ${url.pathname}: ${problem}`);
	return reply(
		name ? (RECORDINGS[`../fixtures/providers/${name}.json`] as Fixture) : unrecorded(url.pathname),
	);
};

/** Cost of one agent task, from the fixture's usage fields and the price row computed by hand, or as the provider billed it. */
type CostOfTask = (price: ModelPrice) => number;
const perMTok = (tokens: number, rate: number) => (tokens * rate) / 1_000_000;

const CASES: { provider: string; model: string; costOfTask: CostOfTask }[] = [
	{
		provider: "anthropic",
		model: "claude-sonnet-5-5",
		costOfTask: (price) =>
			[anthropicResearch.body.usage, anthropicRecord.body.usage].reduce(
				(sum, usage) =>
					sum +
					perMTok(usage.input_tokens, price.inputPerMTok) +
					perMTok(usage.cache_creation_input_tokens, price.cacheWritePerMTok) +
					perMTok(usage.cache_read_input_tokens, price.cacheReadPerMTok) +
					perMTok(usage.output_tokens, price.outputPerMTok) +
					usage.server_tool_use.web_search_requests * price.searchPerCall +
					usage.server_tool_use.web_fetch_requests * price.fetchPerCall,
				0,
			),
	},
	{
		provider: "openai",
		model: "gpt-6.1-sol",
		costOfTask: (price) => {
			const { usage } = openaiWebSearch.body;
			const cached = usage.input_tokens_details.cached_tokens;
			const written = usage.input_tokens_details.cache_write_tokens;
			const searches = openaiWebSearch.body.output.filter(
				(item) => item.type === "web_search_call" && item.action?.type === "search",
			).length;
			return (
				perMTok(usage.input_tokens - cached - written, price.inputPerMTok) +
				perMTok(cached, price.cacheReadPerMTok) +
				perMTok(written, price.cacheWritePerMTok) +
				perMTok(usage.output_tokens, price.outputPerMTok) +
				searches * price.searchPerCall
			);
		},
	},
	{
		provider: "gemini",
		model: "gemini-3.8-flash",
		costOfTask: (price) => {
			const usage = geminiGrounded.body.usageMetadata;
			const queries = geminiGrounded.body.candidates[0]?.groundingMetadata.webSearchQueries.length ?? 0;
			return (
				perMTok(
					usage.promptTokenCount - usage.cachedContentTokenCount + usage.toolUsePromptTokenCount,
					price.inputPerMTok,
				) +
				perMTok(usage.cachedContentTokenCount, price.cacheReadPerMTok) +
				perMTok(usage.candidatesTokenCount + usage.thoughtsTokenCount, price.outputPerMTok) +
				queries * price.searchPerCall
			);
		},
	},
	{
		// The default model searches by OpenRouter's server tool; each call costs what OpenRouter charged.
		provider: "openrouter",
		model: "google/gemini-3.8-flash",
		costOfTask: () => openrouterWebSearch.body.usage.cost,
	},
];

/** A 3-agent job on Claude Sonnet 5.5, its cost capped at `budgetUsd`. */
const submitOnSonnet = (budgetUsd: number) =>
	submit({
		task: "Heat pumps in cold climates",
		provider: "anthropic",
		model: "claude-sonnet-5-5",
		swarmSize: 3,
		budgetUsd,
	});

let internet: FakeInternet | null = null;
afterEach(() => {
	const rejected = internet?.rejected ?? [];
	internet?.restore();
	internet = null;
	vi.restoreAllMocks();
	// Every provider call had its endpoint's documented shape (the replay's message says what was wrong).
	expect(rejected).toEqual([]);
});

/** Lower case, letters and digits only: enough to find an exact quote despite punctuation and spacing. */
function normalized(text: string): string {
	return text
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
}

describe.each(CASES)(
	"a research job on $provider (recorded responses)",
	({ provider, model, costOfTask }) => {
		it("completes with verbatim citations whose offsets are in the snapshots, and prices the fixtures' usage", async () => {
			internet = installFakeInternetFor(
				{ models: { [provider]: [model] } },
				providerApis,
				GEMINI_REDIRECTS,
				WEB,
			);
			const jobId = await submit({ ...COLD_CLIMATE_JOB, provider, model });
			const job = await waitForJob(jobId);
			expect(job.status).toBe("completed");
			expect(job.plan.every((task) => task.status === "completed" && task.provider === provider)).toBe(true);

			const body = ReportSchema.parse(await (await report(jobId, "json")).json());
			const snapshotOf = async (sha256: string | null) =>
				(await (await env.ARTIFACTS.get(evidenceKey(TENANT, sha256 ?? "")))?.text()) ?? "";
			// Every quote of every finding, in the body or not: a verbatim one is the snapshot's text at its offsets.
			const provenance = ProvenanceSchema.parse(await (await api(`/v1/research/${jobId}/provenance`)).json());
			const verbatim = provenance.findings
				.flatMap((finding) => finding.quotes)
				.filter((q) => q.check === "verbatim");
			expect(verbatim.length).toBeGreaterThan(0);
			for (const quote of verbatim) {
				const source = job.sources.find((candidate) => candidate.id === quote.sourceId);
				expect(source?.status).toBe("retrieved");
				expect(quote.sha256).toBe(source?.sha256);
				const snapshot = await snapshotOf(quote.sha256);
				expect(quote.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ")).toBe(
					quote.sourceText,
				);
				expect(normalized(snapshot)).toContain(normalized(quote.agentQuote));
			}
			// The body's verified citations show the same: the snapshot's own text, under a listed source.
			const listed = new Set(body.sources.map((source) => source.id));
			for (const citation of body.findings
				.flatMap((finding) => finding.citations)
				.filter((c) => c.verified)) {
				expect(listed.has(citation.sourceId)).toBe(true);
				expect(citation.sha256).toBe(job.sources.find((source) => source.id === citation.sourceId)?.sha256);
				const snapshot = await snapshotOf(citation.sha256);
				expect(citation.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ")).toBe(
					citation.quote,
				);
			}
			expect(job.sources.some((source) => source.origin === "search" && source.status === "retrieved")).toBe(
				true,
			);

			const price = priceOf(provider, model);
			expect(price).not.toBeNull();
			const expected = 3 * costOfTask(price as ModelPrice);
			const agentsCost = job.plan.reduce((sum, task) => sum + (task.usage.costUsd ?? Number.NaN), 0);
			expect(agentsCost).toBeCloseTo(expected, 9);
			// The support judge's calls, if any, are counted on top of the agents', and booked to the budget.
			expect(job.metrics.usage.costUsd).toBeGreaterThanOrEqual(agentsCost - 1e-9);
			const jobCost = job.metrics.usage.costUsd ?? Number.NaN;
			expect(jobCost).toBeCloseTo(job.metrics.budget.spentUsd, 9);
			expect(job.metrics.usageByProvider[provider]?.costUsd).toBeCloseTo(jobCost, 9);
			expect(job.metrics.usage.inputTokens).toBeGreaterThan(0);
			expect(body.performance.metrics.usage.costUsd).toBeCloseTo(jobCost, 9);
			expect(job.metrics.providerLatencyMs.count).toBeGreaterThanOrEqual(3);

			// Each agent's progress rose through its stages (reading, the provider's phases, snapshotting,
			// registering), every step with a note, and never reached 100 before its result was accepted.
			const events = await eventLog(jobId);
			for (const task of job.plan) {
				const progress = events.flatMap((event) =>
					event.type === "agent.progress" && event.data.agentId === task.id ? [event.data] : [],
				);
				const percents = progress.map((update) => update.progress);
				expect(percents.length).toBeGreaterThanOrEqual(3);
				expect(percents).toEqual([...new Set(percents)].sort((a, b) => a - b));
				expect(Math.max(...percents)).toBeLessThan(100);
				expect(progress.every((update) => (update.note ?? "") !== "")).toBe(true);
			}
		});
	},
);

describe("resilience and budgets", () => {
	it("falls back to another configured provider when one is down, and the report says so", async () => {
		const overloaded: Route = (request) =>
			isCall(request, "api.anthropic.com", /\/v1\/messages$/) ? reply(anthropicOverloaded as Fixture) : null;
		internet = installFakeInternet(overloaded, providerApis, WEB);
		const jobId = await submit({ task: "Heat pumps in cold climates", provider: "anthropic", swarmSize: 3 });
		const job = await waitForJob(jobId, undefined, 80_000);
		expect(job.status).toBe("completed");
		expect(job.metrics.fallbacks.length).toBeGreaterThan(0);
		expect(
			job.metrics.fallbacks.every((fallback) => fallback.from === "anthropic" && fallback.to === "openai"),
		).toBe(true);
		expect(
			job.plan.filter((task) => task.status === "completed").every((task) => task.provider === "openai"),
		).toBe(true);
		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown).toContain("instead of anthropic");
	}, 90_000);

	it("does not make a call the budget cannot cover, and reports the job as budget-limited", async () => {
		internet = installFakeInternet(providerApis, WEB);
		const jobId = await submitOnSonnet(0.0001);
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.metrics.budget).toMatchObject({ limitUsd: 0.0001, spentUsd: 0, limited: true });
		expect(internet.requests.filter((request) => request.includes("api.anthropic.com"))).toEqual([]);
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(body.executiveSummary.text).toContain("budget-limited");
	});

	it("costs a job on a model without a price as unknown (null), never $0, and says so in the job and the report", async () => {
		// Gemini 2.5 has no price row: it researches with Google Search, then restates as JSON in a second call.
		const gemini25: Route = (request, body) => {
			if (!isCall(request, "generativelanguage.googleapis.com", /gemini-2\.5-flash:\w*[gG]enerateContent$/))
				return null;
			const searches = typeof body === "object" && body !== null && "tools" in body;
			return reply((searches ? geminiResearch : geminiRestatement) as Fixture);
		};
		internet = installFakeInternet(gemini25, WEB);
		const jobId = await submit({ ...COLD_CLIMATE_JOB, provider: "gemini", model: "gemini-2.5-flash" });
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		const ran = job.plan.filter((task) => task.status === "completed");
		expect(ran.length).toBeGreaterThan(0);
		expect(ran.every((task) => task.usage.inputTokens > 0 && task.usage.costUsd === null)).toBe(true);
		expect(job.metrics.usage.costUsd).toBeNull();
		expect(job.metrics.usageByProvider.gemini?.costUsd).toBeNull();
		expect(job.metrics.pricing?.estimated).toBe(false);
		expect(job.metrics.pricing?.warnings).toEqual([
			expect.objectContaining({ kind: "unpriced", provider: "gemini", model: "gemini-2.5-flash" }),
		]);

		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(body.performance.metrics.usage.costUsd).toBeNull();
		expect(
			body.performance.agentRuns.filter((run) => run.status === "completed").map((run) => run.costUsd),
		).toEqual(ran.map(() => null));
		expect(body.performance.metrics.pricing?.warnings.map((warning) => warning.model)).toEqual([
			"gemini-2.5-flash",
		]);
		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown).toContain('Cost unknown: gemini model "gemini-2.5-flash" has no price');
		expect(markdown).toContain("| Cost | unknown |");
	}, 90_000);

	it("refuses a budgeted job on a model without a price with 422, naming the model", async () => {
		for (const [provider, model] of [
			["gemini", "gemini-2.5-flash"],
			["anthropic", "claude-unknown-1"],
		]) {
			const response = await postJson("/v1/research", { task: "t", provider, model, budgetUsd: 1 });
			expect(response.status).toBe(422);
			expect(await response.json()).toMatchObject({
				error: { code: "model_unpriced", details: { provider, model } },
			});
		}
	});
});

describe("every billed token is counted", () => {
	it("books the usage of answers that all failed the schema to the tasks, the provider, the cost and the budget", async () => {
		// Every hand-in, and every repair of it, is unusable; the research call before them is not.
		const invalidHandIns: Route = (request, body) => {
			if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
			const { messages } = body as { messages: unknown[] };
			return messages.length > 1 ? reply(anthropicInvalid as Fixture) : null;
		};
		internet = installFakeInternet(invalidHandIns, providerApis, WEB);
		const jobId = await submitOnSonnet(5);
		const job = await waitForJob(jobId);
		expect(job.status).toBe("failed");
		expect(
			job.plan.every((task) => task.status === "failed" && task.error?.includes("malformed_output")),
		).toBe(true);

		// Each task: the research call, the hand-in and its repair, as the recordings bill them.
		const research = anthropicResearch.body.usage;
		const invalid = anthropicInvalid.body.usage;
		const price = priceOf("anthropic", "claude-sonnet-5-5") as ModelPrice;
		const costOf = (usage: typeof invalid) =>
			perMTok(usage.input_tokens, price.inputPerMTok) +
			perMTok(usage.cache_creation_input_tokens, price.cacheWritePerMTok) +
			perMTok(usage.cache_read_input_tokens, price.cacheReadPerMTok) +
			perMTok(usage.output_tokens, price.outputPerMTok) +
			usage.server_tool_use.web_search_requests * price.searchPerCall +
			usage.server_tool_use.web_fetch_requests * price.fetchPerCall;
		const perTask = {
			inputTokens: research.input_tokens + 2 * invalid.input_tokens,
			outputTokens: research.output_tokens + 2 * invalid.output_tokens,
			cacheWriteTokens: research.cache_creation_input_tokens + 2 * invalid.cache_creation_input_tokens,
			costUsd: costOf(research) + 2 * costOf(invalid),
		};
		for (const task of job.plan) {
			expect(task.usage).toMatchObject({
				inputTokens: perTask.inputTokens,
				outputTokens: perTask.outputTokens,
				cacheWriteTokens: perTask.cacheWriteTokens,
			});
			expect(task.usage.costUsd).toBeCloseTo(perTask.costUsd, 9);
		}
		const { metrics } = job;
		expect(metrics.usage).toMatchObject({
			inputTokens: 3 * perTask.inputTokens,
			outputTokens: 3 * perTask.outputTokens,
		});
		expect(metrics.usageByProvider.anthropic).toEqual(metrics.usage);
		expect(metrics.usage.costUsd).toBeCloseTo(3 * perTask.costUsd, 9);
		expect(metrics.budget.spentUsd).toBeCloseTo(3 * perTask.costUsd, 9);
		expect(metrics.providerLatencyMs.count).toBe(9);
	});
});

describe("the usage of a retried delivery", () => {
	it("counts the research call of a delivery that then failed, beside the delivery that succeeded", async () => {
		// The explorer's first hand-in meets an overloaded API on every SDK try; its redelivery gets through.
		let overloadedTries = 3;
		const overloadedOnce: Route = (request, body) => {
			if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
			const { messages, system } = body as { messages: unknown[]; system: unknown };
			const explorerHandIn = messages.length > 1 && JSON.stringify(system).includes("You are the explorer");
			if (!explorerHandIn || overloadedTries === 0) return null;
			overloadedTries -= 1;
			return reply(anthropicOverloaded as Fixture);
		};
		internet = installFakeInternet(overloadedOnce, providerApis, WEB);
		const jobId = await submitOnSonnet(5);
		const job = await waitForJob(jobId, undefined, 80_000);
		expect(job.status).toBe("completed");
		const explorer = job.plan.find((task) => task.id === "explorer");
		expect(explorer?.status).toBe("completed");
		expect(job.metrics.retries).toBe(1);

		const research = anthropicResearch.body.usage;
		const record = anthropicRecord.body.usage;
		// Two research calls (one per delivery) and one hand-in; the 529s were not billed.
		expect(explorer?.usage).toMatchObject({
			inputTokens: 2 * research.input_tokens + record.input_tokens,
			outputTokens: 2 * research.output_tokens + record.output_tokens,
		});
		for (const task of job.plan.filter((candidate) => candidate.id !== "explorer")) {
			expect(task.usage).toMatchObject({
				inputTokens: research.input_tokens + record.input_tokens,
				outputTokens: research.output_tokens + record.output_tokens,
			});
		}
		const agentsCost = job.plan.reduce((sum, task) => sum + (task.usage.costUsd ?? Number.NaN), 0);
		expect(job.metrics.usage.costUsd).toBeGreaterThanOrEqual(agentsCost - 1e-9);
		expect(job.metrics.budget.spentUsd).toBeCloseTo(job.metrics.usage.costUsd ?? Number.NaN, 9);
	}, 90_000);
});

describe.each([
	{
		provider: "anthropic",
		host: "api.anthropic.com",
		rateLimited: "anthropic/error-429-rate-limit",
		to: "openai",
	},
	{ provider: "openai", host: "api.openai.com", rateLimited: "openai/error-429-rate-limit", to: "anthropic" },
	{
		provider: "gemini",
		host: "generativelanguage.googleapis.com",
		rateLimited: "gemini/error-429-per-minute",
		to: "anthropic",
	},
	{
		provider: "openrouter",
		host: "openrouter.ai",
		rateLimited: "openrouter/error-429-rate-limit",
		to: "anthropic",
	},
])("a job on $provider while it answers every call with 429", ({ provider, host, rateLimited, to }) => {
	it(`moves its tasks to ${to} after a bounded number of requests, and the report says why`, async () => {
		// Which agent made each request to the rate-limited API, told by the role in its instructions.
		const requestsByRole = new Map<string, number>();
		const tooManyRequests: Route = (request, body) => {
			if (new URL(request.url).hostname !== host) return null;
			const role = /You are the ([a-z ]+?) of a research swarm/.exec(JSON.stringify(body))?.[1] ?? "other";
			requestsByRole.set(role, (requestsByRole.get(role) ?? 0) + 1);
			return reply(RECORDINGS[`../fixtures/providers/${rateLimited}.json`] as Fixture);
		};
		internet = installFakeInternet(tooManyRequests, providerApis, GEMINI_REDIRECTS, WEB);
		const jobId = await submit({ task: "Heat pumps in cold climates", provider, swarmSize: 3 });
		const job = await waitForJob(jobId, undefined, 80_000);

		expect(job.status).toBe("completed");
		expect(job.plan.every((task) => task.status === "completed" && task.provider === to)).toBe(true);
		expect(job.metrics.fallbacks.length).toBe(3);
		expect(job.metrics.fallbacks.every((fallback) => fallback.from === provider && fallback.to === to)).toBe(
			true,
		);
		expect(job.metrics.fallbacks.every((fallback) => fallback.reason === "rate_limited")).toBe(true);
		// The bound (docs/architecture.md): a task reaches a rate-limited provider on at most
		// BREAKER_THRESHOLD deliveries, each one call of 1 + SDK_MAX_RETRIES tries; 12 per task before.
		const perTaskBound = BREAKER_THRESHOLD * (1 + SDK_MAX_RETRIES);
		expect(requestsByRole.size).toBeGreaterThan(0);
		for (const [role, requests] of requestsByRole) {
			expect(role).not.toBe("other");
			expect(requests).toBeLessThanOrEqual(perTaskBound);
			expect(requests % (1 + SDK_MAX_RETRIES)).toBe(0);
		}
		// The synthesizer starts after the breaker opened and never calls the rate-limited provider.
		expect(requestsByRole.has("synthesizer")).toBe(false);
		const total = [...requestsByRole.values()].reduce((sum, count) => sum + count, 0);
		expect(total).toBeLessThanOrEqual(2 * perTaskBound);

		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown).toContain(`instead of ${provider}, which was rate-limited`);
		// The methodology's provider fact names the provider that took over, and why.
		expect(markdown).toContain(`${provider} was rate-limited (HTTP 429 after every retry), so ${to} ran`);
	}, 90_000);
});

describe("structured output failures", () => {
	it("fail the agent cleanly after one repair, keep its raw output for the appendix, and never retry", async () => {
		const invalidForExplorer: Route = (request, body) => {
			if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
			const { messages, system } = body as { messages: unknown[]; system: unknown };
			if (messages.length === 1 || !JSON.stringify(system).includes("You are the explorer")) return null;
			return reply(anthropicInvalid as Fixture);
		};
		internet = installFakeInternet(invalidForExplorer, providerApis, WEB);
		// Below high anti-hallucination the appendix keeps every narrative sentence, checked or not.
		const jobId = await submit({
			task: "Heat pumps in cold climates",
			provider: "anthropic",
			swarmSize: 3,
			antiHallucination: "medium",
		});
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		const explorer = job.plan.find((task) => task.id === "explorer");
		expect(explorer?.status).toBe("failed");
		expect(explorer?.error).toContain("malformed_output");
		expect(explorer?.attempts).toBe(1);
		const events = await eventLog(jobId);
		expect(
			events.filter((event) => event.type === "agent.retrying" && event.data.agentId === "explorer"),
		).toEqual([]);
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		const raw = body.appendix.agentNarratives.find((entry) => entry.taskId === "explorer");
		const rawText = raw?.sentences.map((sentence) => sentence.text).join(" ") ?? "";
		expect(rawText).toContain("failed the output schema");
		expect(rawText).toContain("seasonal COP of 2.8");
		// Kept as the agent wrote it, but never as a supported statement.
		expect(
			raw?.sentences.some(
				(sentence) => sentence.text.includes("failed the output schema") && sentence.verdict === "supported",
			),
		).toBe(false);
		expect(body.appendix.failures.map((failure) => failure.taskId)).toEqual(["explorer"]);
		// The JSON appendix keeps the raw text itself, apart from the checked narratives.
		const returned = body.appendix.rawOutputs.find((entry) => entry.taskId === "explorer");
		expect(returned?.malformedOutput).toContain("seasonal COP of 2.8");
		expect(returned?.findings).toEqual([]);
	});
});

describe("secrets", () => {
	it("never appear in responses, events, reports or logs", async () => {
		const logged: string[] = [];
		for (const method of ["log", "info", "warn", "error", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				logged.push(args.map(String).join(" "));
			});
		}
		const failing: Route = (request) =>
			isCall(request, "api.anthropic.com", /\/v1\/messages$/) ? reply(anthropicOverloaded as Fixture) : null;
		internet = installFakeInternet(failing, providerApis, GEMINI_REDIRECTS, WEB);
		const jobs = [
			await submit({ task: "Heat pumps in cold climates", provider: "gemini", swarmSize: 3 }),
			await submit({ task: "Heat pumps in cold climates", provider: "anthropic", swarmSize: 3 }),
		];
		const seen: string[] = [];
		for (const jobId of jobs) {
			await waitForJob(jobId, undefined, 80_000);
			seen.push(JSON.stringify(await getJob(jobId)), JSON.stringify(await eventLog(jobId)));
			for (const format of ["json", "markdown", "html"] as const)
				seen.push(await (await report(jobId, format)).text());
			seen.push(await (await api(`/v1/research/${jobId}/events`)).text());
		}
		seen.push(
			await (await api("/v1/providers")).text(),
			await (await api("/openapi.json")).text(),
			...logged,
		);
		const everything = seen.join("\n");
		for (const secret of Object.values(PROVIDER_SECRETS)) {
			expect(everything).not.toContain(secret);
			expect(everything).not.toContain(secret.slice(-12));
		}
	}, 90_000);
});
