import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";
import { startMockProviders } from "../../scripts/mock-providers.mjs";
import { JobAcceptedSchema, JobViewSchema } from "../../src/protocol";

type Started = { url: string; stop(): unknown };

let mock: Awaited<ReturnType<typeof startMockProviders>>;
let worker: Started;
let state: string;

beforeAll(async () => {
	mock = await startMockProviders();
	state = await mkdtemp(join(tmpdir(), "research-swarm-e2e-"));
	applyLocalMigrations(state);
	worker = await startLocalWorker(await freePort(), {
		persistTo: state,
		vars: {
			ANTHROPIC_API_KEY: "mock",
			ANTHROPIC_BASE_URL: mock.url,
			OPENAI_API_KEY: "mock",
			OPENAI_BASE_URL: `${mock.url}/v1`,
			GEMINI_API_KEY: "mock",
			GEMINI_BASE_URL: mock.url,
			OPENROUTER_API_KEY: "mock",
			OPENROUTER_BASE_URL: `${mock.url}/api/v1`,
		},
	});
}, 90_000);

afterAll(async () => {
	worker?.stop();
	await mock?.stop();
	await rm(state, { recursive: true, force: true });
});

describe("wrangler dev with provider base URLs pointing at a local mock server", () => {
	it.each(["anthropic", "openai", "gemini", "openrouter"])("runs a whole job on %s", async (provider) => {
		const submitted = await fetch(`${worker.url}/v1/research`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				task: "How well do heat pumps work in cold climates?",
				provider,
				swarmSize: 3,
				sources: [
					{ title: "Trial", text: "Heat pumps reached a seasonal COP of 2.8 at -7 °C in a Norwegian trial." },
				],
			}),
		});
		expect(submitted.status).toBe(202);
		const { id } = JobAcceptedSchema.parse(await submitted.json());
		const deadline = Date.now() + 60_000;
		let job = JobViewSchema.parse(await (await fetch(`${worker.url}/v1/research/${id}`)).json());
		while (!["completed", "failed", "cancelled"].includes(job.status) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 200));
			job = JobViewSchema.parse(await (await fetch(`${worker.url}/v1/research/${id}`)).json());
		}
		expect(job.status).toBe("completed");
		expect(job.plan.every((task) => task.provider === provider)).toBe(true);
		expect(job.metrics.usage.inputTokens).toBeGreaterThan(0);
		expect(mock.calls.some((call) => call.fixture?.startsWith(provider))).toBe(true);
		expect(mock.calls.flatMap((call) => (call.problem === null ? [] : [call.problem]))).toEqual([]);
		const report = await fetch(`${worker.url}/v1/research/${id}/report?format=markdown`);
		expect(report.status).toBe(200);
	});
});
