import { afterEach, describe, expect, it, vi } from "vitest";
import { type CoordinatorPort, HEARTBEAT_MS, runAgentTask } from "../../../src/agents/run-task";
import {
	type AgentTurn,
	type Provider,
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
