/**
 * A whole job on the workers-ai provider, its `AI` binding a stand-in answering with recorded Workers AI
 * chat completions. The test runtime, like `wrangler dev`, has no `AI` binding of its own (Workers AI has
 * no local simulator): without the stand-in the same request runs on the extractive provider.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { evidenceKey } from "../../src/lib/object-keys";
import { DEFAULT_MODELS, priceOf } from "../../src/providers/prices";
import type { WorkersAiChatInput } from "../../src/providers/workers-ai";
import { ProvenanceSchema } from "../../src/synthesis/provenance";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { ProvidersSchema } from "../../src/wire/providers";
import agentAnswer from "../fixtures/providers/workers-ai/chat-completion.json";
import judgeAnswer from "../fixtures/providers/workers-ai/support-verdicts.json";
import { api, getJob, postJson, report, submit, TENANT, waitForJob } from "./harness";

const MODEL = DEFAULT_MODELS["workers-ai"].default;
const NORWEGIAN_TRIAL =
	"The Norwegian trial followed 60 homes for two winters. Their heat pumps reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C, with backup heat needed on fewer than ten days.";

type Call = { model: string; input: WorkersAiChatInput };
const ANSWERS: Record<string, unknown> = { agent_output: agentAnswer, support_verdicts: judgeAnswer };

/** The `AI` binding's stand-in: the recorded answer for the schema the call asks for. */
function installWorkersAi(): Call[] {
	const calls: Call[] = [];
	const ai = {
		async run(model: string, input: WorkersAiChatInput) {
			calls.push({ model, input });
			const answer = ANSWERS[input.response_format.json_schema.name];
			if (!answer) throw new Error(`5007: No recording for ${input.response_format.json_schema.name}`);
			return structuredClone(answer);
		},
	};
	Object.assign(env, { AI: ai });
	return calls;
}

afterEach(() => {
	Reflect.deleteProperty(env, "AI");
});

const request = {
	task: "How well do air-source heat pumps work in cold climates?",
	swarmSize: 3,
	sources: [{ title: "Norwegian trial", text: NORWEGIAN_TRIAL }],
};

describe("a research job on workers-ai (recorded answers through the AI binding)", () => {
	it("runs on workers-ai when auto finds no third-party key, with verbatim citations and Neuron-priced usage", async () => {
		const calls = installWorkersAi();
		const jobId = await submit(request);
		const job = await waitForJob(jobId);

		expect(job.status).toBe("completed");
		expect(job.config.provider).toBe("workers-ai");
		expect(job.plan.every((task) => task.status === "completed" && task.provider === "workers-ai")).toBe(
			true,
		);
		expect(job.plan.every((task) => task.model === MODEL)).toBe(true);
		const agentCalls = calls.filter((call) => call.input.response_format.json_schema.name === "agent_output");
		expect(agentCalls).toHaveLength(3);
		expect(agentCalls.every((call) => call.model === MODEL)).toBe(true);
		// The source text reaches the model inside the prompt, as data.
		expect(agentCalls[0]?.input.messages[1]?.content).toContain("seasonal COP of 2.8");

		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		const verified = body.findings.flatMap((finding) => finding.citations).filter((c) => c.verified);
		expect(verified.length).toBeGreaterThan(0);
		for (const citation of verified) {
			const snapshot =
				(await (await env.ARTIFACTS.get(evidenceKey(TENANT, citation.sha256 ?? "")))?.text()) ?? "";
			expect(citation.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ")).toBe(
				citation.quote,
			);
		}

		// The support judge ran on the job's provider too, through the same binding, and its verdict counted.
		const judgeCalls = calls.filter(
			(call) => call.input.response_format.json_schema.name === "support_verdicts",
		);
		expect(judgeCalls).toHaveLength(1);
		const provenance = ProvenanceSchema.parse(await (await api(`/v1/research/${jobId}/provenance`)).json());
		expect(provenance.findings.map((finding) => finding.support)).toEqual([
			expect.objectContaining({ verdict: "supported", judgedBy: "model" }),
		]);

		// Each agent's turn: 1,352 uncached + 512 cached prompt tokens at $0.10 / M, 241 output tokens at $0.30 / M.
		const price = priceOf("workers-ai", MODEL);
		expect(price).not.toBeNull();
		const perTask = (1864 * 0.1 + 241 * 0.3) / 1_000_000;
		for (const task of job.plan) expect(task.usage.costUsd).toBeCloseTo(perTask, 12);
		// The judge's call (1,391 prompt and 104 output tokens) is booked on top of the agents'.
		const judgeCost = (1391 * 0.1 + 104 * 0.3) / 1_000_000;
		expect(job.metrics.usage.costUsd).toBeCloseTo(3 * perTask + judgeCost, 12);
		expect(job.metrics.usageByProvider["workers-ai"]?.costUsd).toBeCloseTo(3 * perTask + judgeCost, 12);
		expect(job.metrics.budget.spentUsd).toBeCloseTo(3 * perTask + judgeCost, 9);
	});

	it("lists workers-ai as ready with the binding, without web search, with its model's price and source", async () => {
		installWorkersAi();
		const body = ProvidersSchema.parse(await (await api("/v1/providers")).json());
		expect(body.providers.find((provider) => provider.name === "workers-ai")).toEqual({
			name: "workers-ai",
			ready: true,
			baseUrlOverridden: false,
			nativeSearch: false,
			defaultModel: MODEL,
			models: [
				{
					id: MODEL,
					inputPerMTok: 0.1,
					outputPerMTok: 0.3,
					cacheReadPerMTok: 0.1,
					searchPerCall: 0,
					validFrom: null,
					validThrough: null,
					stale: false,
					source: "https://developers.cloudflare.com/workers-ai/models/gemma-4-26b-a4b-it/",
				},
			],
		});
	});

	it("stays on the extractive provider without the binding, and refuses workers-ai by name", async () => {
		const jobId = await submit(request);
		const job = await getJob(jobId);
		expect(job.config.provider).toBe("extractive");
		await waitForJob(jobId);

		const refused = await postJson("/v1/research", { ...request, provider: "workers-ai" });
		expect(refused.status).toBe(422);
	});
});
