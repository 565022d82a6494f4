import { describe, expect, it } from "vitest";
import { configuredProviders, providerSettings } from "../../../src/providers/settings";

const base = { ENVIRONMENT: "development" } as unknown as Env;

describe("providerSettings", () => {
	it("reads keys, base URLs and model overrides, treating empty values as unset", () => {
		const settings = providerSettings({
			...base,
			ANTHROPIC_API_KEY: "sk-ant-1",
			ANTHROPIC_BASE_URL: "https://gateway.ai.cloudflare.com/v1/acc/gw/anthropic",
			OPENAI_API_KEY: "",
			BRAVE_API_KEY: "brave-1",
			MODEL_OVERRIDES: '{"anthropic": {"critic": "claude-small"}}',
		} as unknown as Env);
		expect(settings.credentials.anthropic).toEqual({
			apiKey: "sk-ant-1",
			baseURL: "https://gateway.ai.cloudflare.com/v1/acc/gw/anthropic",
			gatewayToken: null,
		});
		expect(settings.credentials.openai).toBeNull();
		expect(settings.braveApiKey).toBe("brave-1");
		expect(settings.modelOverrides).toEqual({ anthropic: { critic: "claude-small" } });
		expect(configuredProviders(settings)).toEqual(["anthropic", "extractive"]);
	});

	it("gives the AI Gateway token to the providers whose base URL is set, and only to them", () => {
		const settings = providerSettings({
			...base,
			AI_GATEWAY_TOKEN: "aig-token-1",
			ANTHROPIC_API_KEY: "sk-ant-1",
			ANTHROPIC_BASE_URL: "https://gateway.ai.cloudflare.com/v1/acc/gw/anthropic",
			OPENAI_API_KEY: "sk-proj-1",
		} as unknown as Env);
		expect(settings.credentials.anthropic?.gatewayToken).toBe("aig-token-1");
		expect(settings.credentials.openai).toEqual({ apiKey: "sk-proj-1", baseURL: null, gatewayToken: null });
	});

	it("is extractive only with no keys", () => {
		expect(configuredProviders(providerSettings(base))).toEqual(["extractive"]);
	});

	it("names a malformed variable without echoing its value", () => {
		const secret = "not-a-url-but-a-secret";
		expect(() => providerSettings({ ...base, OPENAI_BASE_URL: secret } as unknown as Env)).toThrow(
			/OPENAI_BASE_URL/,
		);
		try {
			providerSettings({ ...base, OPENAI_BASE_URL: secret, MODEL_OVERRIDES: "{" } as unknown as Env);
		} catch (error) {
			expect(String(error)).not.toContain(secret);
			expect(String(error)).toContain("MODEL_OVERRIDES");
		}
	});
});
