/**
 * Gemini's streamed calls (`models.generateContentStream`, i.e. `streamGenerateContent?alt=sse`). Each
 * chunk is a `GenerateContentResponse` holding the next pieces of the reply: text parts cut anywhere,
 * usage counted so far, and, on the last chunks, the finish reason, the grounding metadata and the
 * thought signature (often on a part with empty text). The chunks merge back into the response the
 * unstreamed call returns:
 * - the reply's parts in order, consecutive text parts of the same kind (thought or answer) joined into
 *   one, which carries the first thought signature that came with any of them; other parts as they came;
 * - every other field of the candidate and of the response (finish reason, grounding metadata, usage,
 *   model version, prompt feedback) from the latest chunk that has it, the usage being cumulative.
 */
import {
	type Candidate,
	type GenerateContentParameters,
	GenerateContentResponse,
	type GoogleGenAI,
	type Part,
} from "@google/genai";
import type { TurnProgressMeter } from "./progress";

/** The keys a part may have and still be plain text, to be joined with the text around it. */
const TEXT_PART_KEYS: ReadonlySet<string> = new Set(["text", "thought", "thoughtSignature"]);

function isTextPart(part: Part): part is Part & { text: string } {
	return typeof part.text === "string" && Object.keys(part).every((key) => TEXT_PART_KEYS.has(key));
}

/** `parts` with `part` after them: joined to the last part when both are text of the same kind. */
function appendPart(parts: Part[], part: Part): Part[] {
	const previous = parts.at(-1);
	if (
		!previous ||
		!isTextPart(previous) ||
		!isTextPart(part) ||
		Boolean(previous.thought) !== Boolean(part.thought)
	) {
		return [...parts, { ...part }];
	}
	const signature = previous.thoughtSignature ?? part.thoughtSignature;
	return [
		...parts.slice(0, -1),
		{ ...previous, text: previous.text + part.text, ...(signature ? { thoughtSignature: signature } : {}) },
	];
}

/**
 * The response of a streamed call, merged from its chunks (rules in the module comment).
 * @example mergeStreamedResponse([chunk({ text: '{"a":' }), chunk({ text: "1}" })]).candidates[0].content.parts // [{ text: '{"a":1}' }]
 */
export function mergeStreamedResponse(chunks: readonly GenerateContentResponse[]): GenerateContentResponse {
	const candidates = chunks.flatMap((chunk) => chunk.candidates?.slice(0, 1) ?? []);
	const merged = Object.assign(new GenerateContentResponse(), ...chunks);
	if (candidates.length === 0) return merged;
	const parts = candidates.flatMap((candidate) => candidate.content?.parts ?? []).reduce(appendPart, []);
	const candidate: Candidate = {
		...Object.assign({}, ...candidates),
		content: { role: candidates.find((each) => each.content?.role)?.content?.role ?? "model", parts },
	};
	merged.candidates = [candidate];
	return merged;
}

/**
 * One streamed call: the text of every chunk (thoughts included) and its running usage go to
 * `progress`; returns the merged response, or null when the stream brought no chunk.
 */
export async function streamContent(
	client: GoogleGenAI,
	params: GenerateContentParameters,
	progress: TurnProgressMeter,
): Promise<GenerateContentResponse | null> {
	const chunks: GenerateContentResponse[] = [];
	for await (const chunk of await client.models.generateContentStream(params)) {
		chunks.push(chunk);
		for (const part of chunk.candidates?.[0]?.content?.parts ?? []) progress.streamed(part.text ?? "");
		const usage = chunk.usageMetadata;
		if (usage) {
			progress.counted({
				outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
				inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
			});
		}
	}
	return chunks.length > 0 ? mergeStreamedResponse(chunks) : null;
}
