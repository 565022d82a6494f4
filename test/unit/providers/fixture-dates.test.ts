/**
 * The recorded provider exchanges read as one recording session: every timestamp they carry (the
 * `Date` header, `created` / `created_at` / `completed_at`, a fetched page's `retrieved_at`, a rate
 * limit's reset) falls on the recording day, and within one exchange a response is created before it
 * completes and is sent after both.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const RECORDING_DAY = "2026-12-02";
const ROOT = new URL("../../fixtures/providers/", import.meta.url);
const FILES = ["anthropic", "brave", "gemini", "openai", "openrouter"].flatMap((provider) =>
	readdirSync(new URL(`${provider}/`, ROOT))
		.filter((name) => name.endsWith(".json") || name.endsWith(".txt"))
		.map((name) => new URL(`${provider}/${name}`, ROOT)),
);

type Stamps = { sent: number[]; created: number[]; completed: number[]; other: number[] };

/** Every timestamp in a recorded exchange's text, in milliseconds, by what it stamps. */
function stampsOf(text: string): Stamps {
	const all = (pattern: RegExp, toMs: (match: string) => number) =>
		[...text.matchAll(pattern)].map((match) => toMs(match[1] ?? ""));
	const seconds = (value: string) => Number(value) * 1000;
	return {
		sent: all(/"date":\s*"([^"]+)"/gi, Date.parse),
		created: all(/"created(?:_at)?":\s*(\d+)/g, seconds),
		completed: all(/"completed_at":\s*(\d+)/g, seconds),
		other: all(/"(?:retrieved_at|anthropic-ratelimit-[a-z-]+-reset)":\s*"([^"]+)"/g, Date.parse),
	};
}

describe("recorded provider exchanges", () => {
	it("carry timestamps at all", () => {
		const stamps = FILES.map((file) => stampsOf(readFileSync(file, "utf8")));
		expect(
			stamps.flatMap((s) => [...s.sent, ...s.created, ...s.completed, ...s.other]).length,
		).toBeGreaterThan(40);
	});

	for (const file of FILES) {
		const name = file.pathname.split("/providers/")[1];
		it(`${name}: recorded on ${RECORDING_DAY}, created ≤ completed ≤ sent`, () => {
			const stamps = stampsOf(readFileSync(file, "utf8"));
			for (const ms of [...stamps.sent, ...stamps.created, ...stamps.completed, ...stamps.other]) {
				expect(new Date(ms).toISOString().slice(0, 10)).toBe(RECORDING_DAY);
			}
			const latest = (values: number[]) => Math.max(...values);
			if (stamps.created.length > 0 && stamps.completed.length > 0) {
				expect(Math.min(...stamps.created)).toBeLessThanOrEqual(Math.min(...stamps.completed));
			}
			if (stamps.sent.length > 0) {
				expect(latest([...stamps.created, ...stamps.completed, 0])).toBeLessThanOrEqual(
					Math.min(...stamps.sent),
				);
			}
		});
	}
});
