import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	JITTER_FRACTION,
	jitterUnit,
	judgeAttempt,
	MAX_ATTEMPTS,
	MAX_QUEUE_DELAY_SECONDS,
	nextAttemptDelaySeconds,
	parseRetryAfter,
	RETRY_SCHEDULE_SECONDS,
	scheduledDelaySeconds,
} from "../../../src/webhooks/schedule";

describe("the retry schedule", () => {
	it("is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
		expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]);
		expect(MAX_ATTEMPTS).toBe(8);
	});

	it("makes the first attempt at once and has nothing after the eighth", () => {
		expect(scheduledDelaySeconds("dlv_any", 1)).toBe(0);
		expect(scheduledDelaySeconds("dlv_any", 9)).toBeNull();
		expect(nextAttemptDelaySeconds("dlv_any", 9, 60)).toBeNull();
	});

	it("keeps every wait within ±10 % of the schedule, as whole seconds", () => {
		fc.assert(
			fc.property(fc.string(), fc.integer({ min: 1, max: MAX_ATTEMPTS }), (id, attempt) => {
				const base = RETRY_SCHEDULE_SECONDS[attempt - 1] ?? Number.NaN;
				const delay = scheduledDelaySeconds(id, attempt);
				expect(Number.isInteger(delay)).toBe(true);
				expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - JITTER_FRACTION)));
				expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + JITTER_FRACTION)));
			}),
		);
	});

	it("derives the jitter from the delivery id and attempt alone", () => {
		fc.assert(
			fc.property(fc.string(), fc.integer({ min: 1, max: 100 }), (id, attempt) => {
				const unit = jitterUnit(id, attempt);
				expect(unit).toBeGreaterThanOrEqual(-1);
				expect(unit).toBeLessThanOrEqual(1);
				expect(jitterUnit(id, attempt)).toBe(unit);
			}),
		);
		// Deliveries failing together spread out instead of retrying in lockstep.
		const waits = new Set(Array.from({ length: 50 }, (_, i) => scheduledDelaySeconds(`dlv_${i}`, 4)));
		expect(waits.size).toBeGreaterThan(25);
	});
});

describe("parseRetryAfter", () => {
	const now = Date.parse("2026-03-01T12:00:00Z");

	it("reads delta-seconds and HTTP dates", () => {
		expect(parseRetryAfter("120", now)).toBe(120);
		expect(parseRetryAfter(" 0 ", now)).toBe(0);
		expect(parseRetryAfter("Sun, 01 Mar 2026 12:10:00 GMT", now)).toBe(600);
		expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
	});

	it("ignores what it cannot read", () => {
		for (const header of [null, "", "soon", "-5", "1.5", "Mon, 32 Foo 2026 25:00:00 GMT"])
			expect(parseRetryAfter(header, now)).toBeNull();
	});
});

describe("nextAttemptDelaySeconds", () => {
	it("takes the larger of the schedule and Retry-After", () => {
		const scheduled = scheduledDelaySeconds("dlv_x", 3) ?? 0;
		expect(nextAttemptDelaySeconds("dlv_x", 3, null)).toBe(scheduled);
		expect(nextAttemptDelaySeconds("dlv_x", 3, 10)).toBe(scheduled);
		expect(nextAttemptDelaySeconds("dlv_x", 3, 3600)).toBe(3600);
	});

	it("never asks the queue for more than its 12-hour maximum", () => {
		expect(nextAttemptDelaySeconds("dlv_x", 8, 10 * 86_400)).toBe(MAX_QUEUE_DELAY_SECONDS);
		fc.assert(
			fc.property(
				fc.string(),
				fc.integer({ min: 2, max: MAX_ATTEMPTS }),
				fc.nat(),
				(id, attempt, retryAfter) => {
					expect(nextAttemptDelaySeconds(id, attempt, retryAfter)).toBeLessThanOrEqual(
						MAX_QUEUE_DELAY_SECONDS,
					);
				},
			),
		);
	});
});

describe("judgeAttempt", () => {
	it.each([
		[200, "delivered"],
		[204, "delivered"],
		[299, "delivered"],
		[301, "retry"],
		[302, "retry"],
		[400, "retry"],
		[404, "retry"],
		[410, "gone"],
		[429, "retry"],
		[500, "retry"],
		[null, "retry"],
	] as const)("status %s is %s", (status, verdict) => {
		expect(judgeAttempt(status, false)).toBe(verdict);
	});

	it("gives up on a refused URL whatever else happened", () => {
		expect(judgeAttempt(null, true)).toBe("refused");
	});
});
