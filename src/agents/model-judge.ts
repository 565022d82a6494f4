/**
 * The calls of a judging pass: items sent in batches to the job's model as structured output, each
 * call admitted against the job's budget before it is made and booked after it answered (or failed
 * after the provider billed it). A failed
 * call or an answer that breaks the schema leaves its batch to the rules; a refused call ends the pass.
 */
import { z } from "zod";
import { billedOf } from "../providers/billed";
import type { CostBounds } from "../providers/cost";
import { strictJsonSchema } from "../providers/openai-shared";
import type { BilledCalls, Provider, StructuredResult } from "../providers/types";

/** What a judging pass runs on, and who hears of each call's usage. */
export type JudgeModel = {
	provider: Provider;
	model: string;
	/** Called after every call the provider billed, answered or failed, e.g. to book its cost. */
	onCall?: (billed: BilledCalls) => void;
	/** Asked before every call with its worst case; false skips the rest of the items. */
	mayCall?: (bounds: CostBounds) => boolean;
};

/** One kind of judging call: what the model is told, the answer's schema, and how items are batched. */
export type JudgeCall<Item, Answer> = {
	instructions: string;
	schemaName: string;
	schema: z.ZodType<Answer>;
	batchSize: number;
	maxOutputTokens: number;
	/** Wall-clock budget of one call, the SDK's retries included. */
	timeoutMs: number;
	prompt: (batch: readonly Item[]) => string;
	/** The most one call over `batch` may use, for the budget check. */
	costBounds: (batch: readonly Item[]) => CostBounds;
};

/** One batch and the model's schema-valid answer to it. */
type JudgedBatch<Item, Answer> = { batch: Item[]; answer: Answer };

/**
 * Asks the model about `items`, `call.batchSize` at a time, and returns each batch it answered with a
 * schema-valid answer, in order.
 * @example const answered = await askInBatches(items, SUPPORT_CALL, { provider, model: "m" });
 */
export async function askInBatches<Item, Answer>(
	items: readonly Item[],
	call: JudgeCall<Item, Answer>,
	model: JudgeModel,
): Promise<JudgedBatch<Item, Answer>[]> {
	const answered: JudgedBatch<Item, Answer>[] = [];
	for (let start = 0; start < items.length; start += call.batchSize) {
		const batch = items.slice(start, start + call.batchSize);
		if (model.mayCall && !model.mayCall(call.costBounds(batch))) break;
		let result: StructuredResult;
		try {
			result = await model.provider.runStructured({
				model: model.model,
				instructions: call.instructions,
				prompt: call.prompt(batch),
				schemaName: call.schemaName,
				jsonSchema: strictJsonSchema(z.toJSONSchema(call.schema)),
				maxOutputTokens: call.maxOutputTokens,
				timeoutMs: call.timeoutMs,
				signal: AbortSignal.timeout(call.timeoutMs),
			});
		} catch (error) {
			console.error(`${call.schemaName} call failed`, String(error));
			const billed = billedOf(error);
			if (billed) model.onCall?.(billed);
			continue;
		}
		model.onCall?.(result);
		const answer = call.schema.safeParse(result.value);
		if (answer.success) answered.push({ batch, answer: answer.data });
	}
	return answered;
}
