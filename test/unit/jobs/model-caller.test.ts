import { describe, expect, it } from "vitest";
import { type CallLedger, coordinatorModel } from "../../../src/jobs/model-caller";
import type { Usage } from "../../../src/protocol";
import { DEFAULT_MODELS } from "../../../src/providers/prices";
import { providerSettings } from "../../../src/providers/settings";
import { ZERO_TOKEN_USAGE } from "../../../src/providers/types";
import { testConfig } from "../../fixtures/agent-context";

const SETTINGS = providerSettings({
	ENVIRONMENT: "development",
	ANTHROPIC_API_KEY: "sk-ant-test",
	OPENAI_API_KEY: "sk-openai-test",
} as unknown as Env);
const CONFIG = testConfig({ provider: "anthropic", model: "claude-sonnet-5-5" });

function ledger(): CallLedger & { booked: { provider: string; usage: Usage }[] } {
	const booked: { provider: string; usage: Usage }[] = [];
	return {
		booked,
		budget: () => ({ limitUsd: null, spentUsd: 0, reservedUsd: 0, limited: false }),
		book: (call) => booked.push(call),
	};
}

describe("coordinatorModel", () => {
	it("calls the job's own model while its provider is up", () => {
		const model = coordinatorModel(SETTINGS, CONFIG, "verifier", ledger());
		expect(model?.provider.name).toBe("anthropic");
		expect(model?.model).toBe("claude-sonnet-5-5");
	});

	it("goes where the tasks go while the job's provider is down (e.g. rate-limited), and books it there", () => {
		const books = ledger();
		const model = coordinatorModel(SETTINGS, CONFIG, "verifier", books, new Set(["anthropic"]));
		expect(model?.provider.name).toBe("openai");
		expect(model?.model).toBe(DEFAULT_MODELS.openai.verifier ?? DEFAULT_MODELS.openai.default);
		model?.onCall({ usage: { ...ZERO_TOKEN_USAGE, inputTokens: 1_000 }, callLatenciesMs: [80] });
		expect(books.booked).toEqual([
			expect.objectContaining({ provider: "openai", usage: expect.objectContaining({ inputTokens: 1_000 }) }),
		]);
		expect(books.booked[0]?.usage.costUsd).toBeGreaterThan(0);
	});

	it("has no model when every model provider is down: the rules judge alone", () => {
		const down = new Set(["anthropic", "openai"]);
		expect(coordinatorModel(SETTINGS, CONFIG, "verifier", ledger(), down)).toBeUndefined();
	});
});
