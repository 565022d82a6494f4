import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	createExtractiveProvider,
	extractFindings,
	extractiveProvider,
	extractiveProviderFor,
	simulatedLatencySetting,
	simulatedTurnMs,
} from "../../../src/providers/extractive";
import type { AgentTaskInput, AgentTurn } from "../../../src/providers/types";
import { testConfig, testContext } from "../../fixtures/agent-context";

const DEV = { ENVIRONMENT: "development", DEV_MODE: "true" };

function env(vars: Record<string, string>): Env {
	return vars as unknown as Env;
}

const CONFIG = testConfig();

const TEXT =
	"Air-source heat pumps reached a seasonal COP of 2.8 at -7 °C in a Norwegian trial. " +
	"However, heat pumps may need backup heating below -20 °C.";

function turn(timeShare: number, signal = new AbortController().signal): AgentTurn {
	const input: AgentTaskInput = {
		...testContext({ config: CONFIG, timeShare }),
		documents: [
			{
				source: {
					id: "S1",
					title: "Trial",
					url: null,
					origin: "attached",
					status: "retrieved",
					sha256: null,
					bytes: TEXT.length,
					contentType: "text/plain",
					error: null,
					retrievedAt: 0,
				},
				text: TEXT,
			},
		],
	};
	return {
		model: "",
		role: "explorer",
		instructions: "",
		prompt: "",
		input,
		search: { enabled: false, maxUses: 0 },
		tools: null,
		maxOutputTokens: 0,
		timeoutMs: 60_000,
		signal,
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe("simulatedLatencySetting", () => {
	it("reads the latency in dev mode outside production", () => {
		expect(simulatedLatencySetting(env({ ...DEV, EXTRACTIVE_SIMULATED_LATENCY_MS: "300" }))).toBe(300);
		expect(simulatedLatencySetting(env({ ...DEV, EXTRACTIVE_SIMULATED_LATENCY_MS: "" }))).toBe(0);
		expect(simulatedLatencySetting(env(DEV))).toBe(0);
	});

	it("is ignored without dev mode and in production, even when malformed", () => {
		const ignored: Record<string, string>[] = [
			{ ENVIRONMENT: "development", EXTRACTIVE_SIMULATED_LATENCY_MS: "300" },
			{ ENVIRONMENT: "development", DEV_MODE: "false", EXTRACTIVE_SIMULATED_LATENCY_MS: "300" },
			{ ENVIRONMENT: "production", DEV_MODE: "true", EXTRACTIVE_SIMULATED_LATENCY_MS: "300" },
			{ ENVIRONMENT: "production", EXTRACTIVE_SIMULATED_LATENCY_MS: "not a number" },
		];
		for (const vars of ignored) {
			expect(simulatedLatencySetting(env(vars))).toBe(0);
		}
	});

	it("names the variable when it is not an integer from 0 to 60000", () => {
		for (const value of ["-1", "2.5", "60001", "soon"]) {
			expect(() => simulatedLatencySetting(env({ ...DEV, EXTRACTIVE_SIMULATED_LATENCY_MS: value }))).toThrow(
				/EXTRACTIVE_SIMULATED_LATENCY_MS/,
			);
		}
	});

	it("gives production the shared provider without latency", () => {
		expect(
			extractiveProviderFor(
				env({ ENVIRONMENT: "production", DEV_MODE: "true", EXTRACTIVE_SIMULATED_LATENCY_MS: "300" }),
			),
		).toBe(extractiveProvider);
		expect(extractiveProviderFor(env({ ...DEV, EXTRACTIVE_SIMULATED_LATENCY_MS: "300" }))).not.toBe(
			extractiveProvider,
		);
	});
});

describe("simulatedTurnMs", () => {
	it("waits L for a task with the mean share of its swarm", () => {
		expect(simulatedTurnMs(300, 0.25, 5)).toBe(375);
		expect(simulatedTurnMs(300, 0.15, 5)).toBe(225);
		expect(simulatedTurnMs(300, 1 / 7, 7)).toBe(300);
		expect(simulatedTurnMs(0, 0.4, 3)).toBe(0);
	});

	it("sums to size · L over a swarm whose shares sum to 1", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 60_000 }),
				fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 9 }),
				(latency, weights) => {
					const total = weights.reduce((sum, weight) => sum + weight, 0);
					const waits = weights.map((weight) => simulatedTurnMs(latency, weight / total, weights.length));
					const sum = waits.reduce((acc, value) => acc + value, 0);
					expect(Math.abs(sum - latency * weights.length)).toBeLessThanOrEqual(weights.length / 2);
				},
			),
		);
	});
});

describe("createExtractiveProvider", () => {
	it("waits the scaled latency before answering, and counts it as call latency", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
		const provider = createExtractiveProvider({ simulatedLatencyMs: 200 });
		const request = turn(0.25);
		let settled = false;
		const pending = provider.runTurn(request).then((result) => {
			settled = true;
			return result;
		});
		await vi.advanceTimersByTimeAsync(249);
		expect(settled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const result = await pending;
		expect(result.output).toEqual(extractFindings(request.input));
		expect(result.callLatenciesMs[0]).toBeGreaterThanOrEqual(250);
	});

	it("stops waiting as soon as the turn is aborted", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const controller = new AbortController();
		const pending = createExtractiveProvider({ simulatedLatencyMs: 10_000 }).runTurn(
			turn(0.2, controller.signal),
		);
		controller.abort(new Error("time budget spent"));
		await expect(pending).rejects.toThrow("time budget spent");
		expect(vi.getTimerCount()).toBe(0);
	});

	it("answers at once without a latency", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const request = turn(0.25);
		const result = await extractiveProvider.runTurn(request);
		expect(result.output).toEqual(extractFindings(request.input));
		expect(vi.getTimerCount()).toBe(0);
	});
});
