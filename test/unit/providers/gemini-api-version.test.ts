/**
 * The Gemini API version is a setting (`GEMINI_API_VERSION`, `v1beta` by default): both versions' request
 * URLs, and the body of a grounded structured call (the `googleSearch` tool with `responseJsonSchema`),
 * are what Google's documentation describes, for unstreamed and streamed calls and for the embedder.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { embedderFor } from "../../../src/learning/service";
import { providerFor } from "../../../src/providers/registry";
import { DEFAULT_GEMINI_API_VERSION, providerSettings } from "../../../src/providers/settings";
import { agentTurn, type Recording, replay, type SentRequest } from "../../fixtures/providers/openai/harness";
import { requestProblem } from "../../fixtures/providers/replay.mjs";

const MODEL = "gemini-3.8-flash";
const API = "https://generativelanguage.googleapis.com";

function recording(path: string): Recording {
	return JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as Recording;
}

function envWith(version: string | undefined): Env {
	return {
		GEMINI_API_KEY: "AIza-version-test",
		EMBEDDER: "gemini",
		...(version === undefined ? {} : { GEMINI_API_VERSION: version }),
	} as unknown as Env;
}

/** The one request of a grounded Gemini 3 turn, streamed (followed) or not, under `version`. */
async function groundedCall(version: string | undefined, streamed: boolean): Promise<SentRequest> {
	const grounded = recording("../../fixtures/providers/gemini/grounded-structured.json");
	const streamText = readFileSync(
		new URL("../../fixtures/providers/gemini/stream-grounded-structured.txt", import.meta.url),
		"utf8",
	);
	const wire = replay([
		streamed
			? async () => new Response(streamText, { headers: { "content-type": "text/event-stream" } })
			: grounded,
	]);
	const provider = providerFor("gemini", providerSettings(envWith(version)), wire.fetch);
	await provider.runTurn(agentTurn(MODEL, streamed ? { onProgress: () => {} } : {}));
	expect(wire.requests).toHaveLength(1);
	const [request] = wire.requests;
	if (!request) throw new Error("no request");
	return request;
}

describe("GEMINI_API_VERSION", () => {
	it("defaults to v1beta, the version of Google's grounding and structured-output examples", () => {
		expect(DEFAULT_GEMINI_API_VERSION).toBe("v1beta");
		expect(providerSettings(envWith(undefined)).geminiApiVersion).toBe("v1beta");
		expect(providerSettings(envWith("")).geminiApiVersion).toBe("v1beta");
	});

	it("refuses a version the Gemini API does not have, naming the variable", () => {
		expect(() => providerSettings(envWith("v2"))).toThrow(/GEMINI_API_VERSION/);
	});

	describe.each([
		{ setting: undefined, version: "v1beta" },
		{ setting: "v1beta", version: "v1beta" },
		{ setting: "v1", version: "v1" },
	])("set to $setting", ({ setting, version }) => {
		it(`a grounded structured call goes to /${version}/models/{model}:generateContent with googleSearch and responseJsonSchema`, async () => {
			const request = await groundedCall(setting, false);
			expect(request.url).toBe(`${API}/${version}/models/${MODEL}:generateContent`);
			expect(request.body.tools).toEqual([{ googleSearch: {} }]);
			expect(request.body.generationConfig).toMatchObject({
				responseMimeType: "application/json",
				responseJsonSchema: { type: "object", required: ["findings", "narrative"] },
			});
			expect(
				requestProblem(
					{ method: request.method, url: request.url, headers: request.headers, body: request.body },
					{ models: { gemini: [MODEL] } },
				),
			).toBeNull();
		});

		it(`a streamed call goes to /${version}/models/{model}:streamGenerateContent?alt=sse with the same body`, async () => {
			const [plain, streamed] = [await groundedCall(setting, false), await groundedCall(setting, true)];
			expect(streamed.url).toBe(`${API}/${version}/models/${MODEL}:streamGenerateContent?alt=sse`);
			expect(streamed.body).toEqual(plain.body);
		});

		it(`the embedder calls /${version}/models/gemini-embedding-2:batchEmbedContents`, async () => {
			const wire = replay([recording("../learning/fixtures/gemini-batch-embed.json")]);
			await embedderFor(envWith(setting), wire.fetch).embed(["heat pumps", "cold climates"]);
			expect(wire.requests[0]?.url).toBe(`${API}/${version}/models/gemini-embedding-2:batchEmbedContents`);
		});
	});
});
