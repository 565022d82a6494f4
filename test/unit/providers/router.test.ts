import { describe, expect, it } from "vitest";
import {
	BREAKER_COOLDOWN_MS,
	BREAKER_THRESHOLD,
	CLOSED_BREAKER,
	isOpen,
	recordOutcome,
} from "../../../src/providers/breaker";
import { DEFAULT_MODELS } from "../../../src/providers/prices";
import { chooseProvider, fallbackProvider, resolveModel, unpricedModel } from "../../../src/providers/router";

const ALL = ["anthropic", "openai", "gemini", "openrouter", "extractive"];

describe("chooseProvider", () => {
	it("honours an explicit provider only when it is configured", () => {
		expect(chooseProvider("t", "openai", ALL, false)).toEqual({ provider: "openai" });
		expect(chooseProvider("t", "extractive", ["extractive"], false)).toEqual({ provider: "extractive" });
		expect(chooseProvider("t", "gemini", ["anthropic", "extractive"], false)).toEqual({
			error: "not_configured",
			requested: "gemini",
		});
	});

	it("routes auto by the task, among configured providers only", () => {
		expect(chooseProvider("The latest heat pump sales figures", undefined, ALL, false)).toEqual({
			provider: "gemini",
		});
		expect(chooseProvider("Review this code for bugs", "auto", ALL, false)).toEqual({
			provider: "anthropic",
		});
		expect(chooseProvider("Heat pumps in cold climates", "auto", ALL, true)).toEqual({
			provider: "openrouter",
		});
		expect(chooseProvider("Heat pumps in cold climates", "auto", ALL, false)).toEqual({
			provider: "anthropic",
		});
		expect(chooseProvider("The latest news", "auto", ["openai", "extractive"], false)).toEqual({
			provider: "openai",
		});
		expect(chooseProvider("anything", "auto", ["extractive"], true)).toEqual({ provider: "extractive" });
	});
});

describe("fallbackProvider", () => {
	it("picks the next configured provider whose breaker is closed, else extractive", () => {
		expect(fallbackProvider("anthropic", ALL, new Set(["anthropic"]))).toBe("openai");
		expect(fallbackProvider("anthropic", ALL, new Set(["anthropic", "openai"]))).toBe("gemini");
		expect(fallbackProvider("openai", ["openai", "extractive"], new Set(["openai"]))).toBe("extractive");
	});
});

describe("resolveModel", () => {
	it("uses the job's model on its own provider, then deployment overrides, then the defaults", () => {
		expect(resolveModel("anthropic", "critic", "claude-x", "anthropic", {})).toBe("claude-x");
		expect(resolveModel("openai", "critic", "claude-x", "anthropic", {})).toBe(
			DEFAULT_MODELS.openai.critic ?? DEFAULT_MODELS.openai.default,
		);
		expect(
			resolveModel("gemini", "explorer", null, "gemini", { gemini: { default: "g-1", explorer: "g-2" } }),
		).toBe("g-2");
		expect(resolveModel("gemini", "critic", null, "gemini", { gemini: { default: "g-1" } })).toBe("g-1");
		expect(resolveModel("extractive", "critic", "m", "extractive", {})).toBeNull();
	});
});

describe("unpricedModel", () => {
	it("names the job's model when the table has no row for it", () => {
		expect(unpricedModel("gemini", "gemini-2.5-pro", {})).toBe("gemini-2.5-pro");
		expect(unpricedModel("gemini", "gemini-4-argon", {})).toBeNull();
	});

	it("finds an unpriced model a deployment's override gives one role, even with no model named", () => {
		expect(unpricedModel("anthropic", null, {})).toBeNull();
		expect(unpricedModel("anthropic", null, { anthropic: { critic: "claude-unknown-1" } })).toBe(
			"claude-unknown-1",
		);
		expect(unpricedModel("gemini", null, { gemini: { default: "gemini-2.5-flash" } })).toBe(
			"gemini-2.5-flash",
		);
	});

	it("has nothing to price for the extractive provider", () => {
		expect(unpricedModel("extractive", null, {})).toBeNull();
	});
});

describe("circuit breaker", () => {
	it(`opens after ${BREAKER_THRESHOLD} consecutive outages, closes on success and after the cooldown`, () => {
		let state = CLOSED_BREAKER;
		for (let index = 1; index < BREAKER_THRESHOLD; index++) {
			state = recordOutcome(state, "outage", 1000);
			expect(isOpen(state, 1000)).toBe(false);
		}
		state = recordOutcome(state, "outage", 1000);
		expect(isOpen(state, 1000)).toBe(true);
		expect(isOpen(state, 1000 + BREAKER_COOLDOWN_MS)).toBe(false);
		expect(
			isOpen(recordOutcome(state, "outage", 1000 + BREAKER_COOLDOWN_MS), 1000 + BREAKER_COOLDOWN_MS),
		).toBe(true);
		expect(recordOutcome(state, "success", 2000)).toEqual(CLOSED_BREAKER);
	});

	it("does not open on outages separated by a success", () => {
		let state = CLOSED_BREAKER;
		for (let index = 0; index < BREAKER_THRESHOLD * 3; index++) {
			state = recordOutcome(state, index % 2 === 0 ? "outage" : "success", 0);
			expect(isOpen(state, 0)).toBe(false);
		}
	});
});
