/**
 * A lying agent against the whole report pipeline, over real documents (the evaluation corpus and
 * the samples): no lie may be shown as verified, reach the body, become a key finding or slip into the
 * summary through the narrative, while honest findings still reach the body.
 */
import { describe, expect, it } from "vitest";
import { loadSamples, loadTopics } from "../../../eval/lib/corpus";
import { measureFaithfulness } from "../../../eval/lib/faithfulness";

const jobs = [
	...loadTopics().map((topic) => ({ name: topic.slug, question: topic.question, texts: topic.texts })),
	{ name: "samples", ...loadSamples() },
];

describe.each(jobs)("a lying agent over $name", ({ question, texts }) => {
	it("gets no lie shown as verified, into the body, the key findings or the summary", async () => {
		const result = await measureFaithfulness(question, texts, 4);
		expect(result.lies.reduce((sum, lie) => sum + lie.planted, 0)).toBeGreaterThan(20);
		for (const lie of result.lies) {
			expect({
				lie: `${lie.kind}/${lie.level}`,
				verified: lie.verified,
				inBody: lie.inBody,
				key: lie.keyFinding,
			}).toEqual({
				lie: `${lie.kind}/${lie.level}`,
				verified: 0,
				inBody: 0,
				key: 0,
			});
		}
		expect(result.narrativeLies).toBeGreaterThan(0);
		expect(result.narrativeLiesInSummary).toBe(0);
		expect(result.narrativeLiesKept).toBe(0);
		expect(result.honestInBody / result.honest).toBeGreaterThanOrEqual(0.9);
	});
});
