import { afterEach, describe, expect, it, vi } from "vitest";
import { type CoordinatorPort, HEARTBEAT_MS, runAgentTask } from "../../../src/agents/run-task";
import type { SettledCall } from "../../../src/protocol";
import { costOf, toUsage } from "../../../src/providers/cost";
import { priceOf } from "../../../src/providers/prices";
import {
	type AgentTurn,
	type Provider,
	ProviderError,
	type TurnResult,
	ZERO_TOKEN_USAGE,
} from "../../../src/providers/types";
import { testContext } from "../../fixtures/agent-context";

const CONTEXT = testContext({ provider: "scripted" });

const RESULT: TurnResult = {
	output: { findings: [], narrative: "Nothing found." },
	retrieved: [],
	usage: ZERO_TOKEN_USAGE,
	callLatenciesMs: [1],
	rawOutput: "",
	model: null,
};

/** A provider whose one turn runs until `finish()`, reporting what the test tells it to. */
function scriptedProvider(): { provider: Provider; turn(): AgentTurn; finish(): void } {
	let current: AgentTurn | null = null;
	let finish = () => {};
	const provider: Provider = {
		name: "scripted",
		supportsNativeSearch: () => false,
		runTurn: (turn) =>
			new Promise((resolve) => {
				current = turn;
				finish = () => resolve(RESULT);
			}),
		runStructured: () => Promise.reject(new Error("not used")),
	};
	return {
		provider,
		turn: () => {
			if (!current) throw new Error("the turn has not started");
			return current;
		},
		finish: () => finish(),
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe("runAgentTask's heartbeats", () => {
	it("carry the turn's progress and note every 5 s while the call runs, and each new phase at once", async () => {
		vi.useFakeTimers();
		const beats: { progress: number; note: string | undefined }[] = [];
		const coordinator: CoordinatorPort = {
			heartbeat: async (progress, note) => {
				beats.push({ progress, note });
				return { active: true };
			},
			registerSources: async () => [],
			reserveBudget: async () => ({ granted: true }),
			settleCall: async () => {},
		};
		const scripted = scriptedProvider();
		const attempt = runAgentTask(CONTEXT, {
			provider: scripted.provider,
			bucket: {} as R2Bucket,
			coordinator,
			braveApiKey: null,
		});
		await vi.advanceTimersByTimeAsync(0);
		scripted.turn().onProgress?.({ phase: "writing the findings", outputTokens: 0 });
		scripted.turn().onProgress?.({ outputTokens: 412 });
		await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
		scripted.turn().onProgress?.({ outputTokens: 2_048 });
		await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
		scripted.finish();
		const result = await attempt;

		expect(result.provider).toBe("scripted");
		expect(beats.map((beat) => beat.note)).toEqual([
			"no stored sources to read",
			"writing the findings",
			"writing the findings, 412 tokens so far",
			"writing the findings, 2,048 tokens so far",
		]);
		const percents = beats.map((beat) => beat.progress);
		expect(percents).toEqual([...new Set(percents)].sort((a, b) => a - b));
		expect(Math.max(...percents)).toBeLessThan(100);
		// The keep-alive stops with the attempt.
		await vi.advanceTimersByTimeAsync(3 * HEARTBEAT_MS);
		expect(beats).toHaveLength(4);
	});
});

describe("runAgentTask's cost", () => {
	const MILLION = { ...ZERO_TOKEN_USAGE, inputTokens: 1_000_000, outputTokens: 1_000_000 };

	/** Runs one attempt on `provider`/`model` whose turn returns `turn`, on `day`; returns the result and the settlements. */
	async function attemptOn(day: string, provider: string, model: string, turn: Partial<TurnResult>) {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date(`${day}T12:00:00Z`));
		const settled: SettledCall[] = [];
		const result = await runAgentTask(testContext({ provider, model }), {
			provider: {
				name: provider,
				supportsNativeSearch: () => true,
				runTurn: async () => ({ ...RESULT, ...turn }),
				runStructured: () => Promise.reject(new Error("not used")),
			},
			bucket: {} as R2Bucket,
			coordinator: {
				heartbeat: async () => ({ active: true }),
				registerSources: async () => [],
				reserveBudget: async () => ({ granted: true }),
				settleCall: async (call) => {
					settled.push(call);
				},
			},
			braveApiKey: null,
		});
		return { result, settled };
	}

	it("prices a turn at the rates in force on its day", async () => {
		const { result } = await attemptOn("2026-12-05", "gemini", "gemini-4-argon", { usage: MILLION });
		expect(result.usage.costUsd).toBeCloseTo(4 + 20, 9);
		expect(result.pricingWarning).toBeNull();
	});

	it("prices a turn on a stale row at its last rates, settles the budget at them, and marks it an estimate", async () => {
		const { result, settled } = await attemptOn("2027-01-02", "gemini", "gemini-3.8-flash", {
			usage: MILLION,
		});
		expect(result.usage.costUsd).toBeCloseTo(0.75 + 3.75, 9);
		expect(settled.map((call) => call.usage.costUsd)).toEqual([result.usage.costUsd]);
		expect(settled[0]?.pricingWarning).toMatchObject({ kind: "stale" });
		expect(result.pricingWarning).toMatchObject({
			kind: "stale",
			model: "gemini-3.8-flash",
			validThrough: "2026-12-31",
		});
	});

	it("costs a turn on a model without a price as unknown (null), with a warning, and reserves nothing", async () => {
		const { result, settled } = await attemptOn("2026-12-05", "gemini", "gemini-2.5-flash", {
			usage: MILLION,
		});
		expect(result.usage.costUsd).toBeNull();
		expect(result.usage.inputTokens).toBe(1_000_000);
		expect(result.pricingWarning).toMatchObject({ kind: "unpriced", model: "gemini-2.5-flash" });
		// Nothing was reserved; the tokens are still booked, at an unknown cost, with the warning.
		expect(settled).toEqual([
			expect.objectContaining({
				reservedUsd: 0,
				usage: expect.objectContaining({ inputTokens: 1_000_000, costUsd: null }),
				pricingWarning: expect.objectContaining({ kind: "unpriced" }),
			}),
		]);
	});

	it("takes what the provider billed instead of the table", async () => {
		const billing = { reportedUsd: 0.0421, unreported: ZERO_TOKEN_USAGE };
		const { result } = await attemptOn("2026-12-05", "openrouter", "google/gemini-3.8-flash", {
			usage: MILLION,
			billing,
		});
		expect(result.usage.costUsd).toBe(0.0421);
	});
});

describe("runAgentTask's settlement", () => {
	it("books a failed turn's billed usage, priced, against the reservation before the error goes on", async () => {
		const billed = {
			usage: { ...ZERO_TOKEN_USAGE, inputTokens: 7_734, outputTokens: 459 },
			callLatenciesMs: [120, 95],
		};
		const failing: Provider = {
			name: "anthropic",
			supportsNativeSearch: () => true,
			runTurn: () =>
				Promise.reject(new ProviderError("anthropic", "malformed_output", "failed twice").billedFor(billed)),
			runStructured: () => Promise.reject(new Error("not used")),
		};
		const settled: SettledCall[] = [];
		const coordinator: CoordinatorPort = {
			heartbeat: async () => ({ active: true }),
			registerSources: async () => [],
			reserveBudget: async () => ({ granted: true }),
			settleCall: async (call) => {
				settled.push(call);
			},
		};
		const context = testContext({ provider: "anthropic", model: "claude-sonnet-5-5" });
		await expect(
			runAgentTask(context, { provider: failing, bucket: {} as R2Bucket, coordinator, braveApiKey: null }),
		).rejects.toMatchObject({ kind: "malformed_output" });

		const price = priceOf("anthropic", "claude-sonnet-5-5");
		if (!price) throw new Error("the model has no price");
		expect(settled).toEqual([
			{
				reservedUsd: expect.any(Number),
				provider: "anthropic",
				usage: toUsage(billed.usage, costOf(price, billed.usage)),
				latenciesMs: [120, 95],
				pricingWarning: null,
			},
		]);
		expect(settled[0]?.reservedUsd).toBeGreaterThan(0);
		expect(settled[0]?.usage).toMatchObject({ inputTokens: 7_734, outputTokens: 459 });
		expect(settled[0]?.usage.costUsd).toBeGreaterThan(0);
	});
});
