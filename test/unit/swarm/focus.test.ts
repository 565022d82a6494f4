import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SEARCH_USES, searchUses } from "../../../src/agents/run-task";
import { FOCUS_PROFILES } from "../../../src/swarm/focus";

describe("focus", () => {
	it("changes how much one turn may search and read", () => {
		expect(searchUses(5, 0.25, "narrow")).toBe(3);
		expect(searchUses(5, 0.25, "balanced")).toBe(6);
		expect(searchUses(5, 0.25, "broad")).toBe(9);
		expect(FOCUS_PROFILES.narrow.pagesPerTurn).toBeLessThan(FOCUS_PROFILES.broad.pagesPerTurn);
	});

	it("orders every setting from narrow to broad, and keeps searches within 1 to the maximum", () => {
		const [narrow, balanced, broad] = [FOCUS_PROFILES.narrow, FOCUS_PROFILES.balanced, FOCUS_PROFILES.broad];
		for (const key of ["searchScale", "pagesPerTurn", "passageScale"] as const) {
			expect(narrow[key]).toBeLessThan(balanced[key]);
			expect(balanced[key]).toBeLessThan(broad[key]);
		}
		expect(narrow.minRelativeRelevance).toBeGreaterThan(broad.minRelativeRelevance);
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 10 }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				(depth, share) => {
					const uses = (["narrow", "balanced", "broad"] as const).map((focus) =>
						searchUses(depth, share, focus),
					);
					expect(uses[0]).toBeLessThanOrEqual(uses[1] ?? 0);
					expect(uses[1]).toBeLessThanOrEqual(uses[2] ?? 0);
					for (const value of uses) {
						expect(value).toBeGreaterThanOrEqual(1);
						expect(value).toBeLessThanOrEqual(MAX_SEARCH_USES);
					}
				},
			),
		);
	});
});
