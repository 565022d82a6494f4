import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dagLayout, niceTicks, peakOverlap, timelineOf } from "../../../public/assets/schedule-view.js";
import { initialTasks } from "../../../src/jobs/state";
import type { TaskView } from "../../../src/protocol";
import { planSwarm } from "../../../src/swarm/sizing";
import { testConfig } from "../../fixtures/agent-context";

function task(id: string, dependsOn: string[], times: Partial<TaskView> = {}): TaskView {
	const [planned] = initialTasks([{ id, role: "explorer", phase: "research", dependsOn, timeShare: 0.2 }]);
	return { ...(planned as TaskView), ...times };
}

describe("dagLayout", () => {
	it("puts every task one column after its deepest dependency", () => {
		const layout = dagLayout([
			task("a", []),
			task("b", []),
			task("c", ["a"]),
			task("d", ["a", "c"]),
			task("e", ["b", "d"]),
		]);
		expect(layout.nodes.map((node) => [node.task.id, node.level, node.row])).toEqual([
			["a", 0, 0],
			["b", 0, 1],
			["c", 1, 0],
			["d", 2, 0],
			["e", 3, 0],
		]);
		expect(layout.levels).toBe(4);
		expect(layout.rows).toBe(2);
		expect(layout.edges).toHaveLength(5);
	});

	it("lays out every swarm the planner makes with each edge pointing forward", () => {
		for (const swarmSize of [3, 4, 5, 6, 7]) {
			for (const secondPass of [false, true]) {
				const plan = planSwarm(testConfig({ swarmSize, secondPass })).map((planned) =>
					task(planned.id, planned.dependsOn),
				);
				const layout = dagLayout(plan);
				const level = new Map(layout.nodes.map((node) => [node.task.id, node.level]));
				expect(layout.nodes).toHaveLength(plan.length);
				for (const edge of layout.edges) expect(level.get(edge.from)).toBeLessThan(level.get(edge.to) ?? -1);
			}
		}
	});

	it("ignores dependencies outside the plan and survives a cycle", () => {
		const layout = dagLayout([task("a", ["missing", "b"]), task("b", ["a"])]);
		expect(layout.nodes).toHaveLength(2);
		expect(layout.edges).toEqual([
			{ from: "b", to: "a" },
			{ from: "a", to: "b" },
		]);
	});
});

describe("timelineOf", () => {
	it("measures bars from the first dispatch and draws open runs up to now", () => {
		const { bars, span, peakInFlight } = timelineOf(
			[
				task("a", [], { status: "completed", dispatchedAt: 1000, startedAt: 1020, finishedAt: 1400 }),
				task("b", [], { status: "running", dispatchedAt: 1010, startedAt: 1030, finishedAt: null }),
				task("c", ["a", "b"]),
			],
			1600,
		);
		expect(bars.map((bar) => [bar.task.id, bar.dispatched, bar.started, bar.end])).toEqual([
			["a", 0, 20, 400],
			["b", 10, 30, 600],
		]);
		expect(span).toBe(600);
		expect(peakInFlight).toBe(2);
	});

	it("is empty before anything was dispatched", () => {
		expect(timelineOf([task("a", [])], 5)).toEqual({ bars: [], span: 0, peakInFlight: 0 });
	});
});

describe("peakOverlap", () => {
	it("does not count a run that starts exactly when another ends", () => {
		expect(
			peakOverlap([
				{ dispatched: 0, end: 10 },
				{ dispatched: 10, end: 20 },
			]),
		).toBe(1);
	});

	it("equals the most intervals containing any single instant", () => {
		const interval = fc
			.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }))
			.map(([start, length]) => ({ dispatched: start, end: start + length }));
		fc.assert(
			fc.property(fc.array(interval, { maxLength: 12 }), (intervals) => {
				let most = 0;
				for (let instant = 0; instant <= 70; instant += 0.5) {
					const open = intervals.filter((entry) => entry.dispatched <= instant && instant < entry.end).length;
					most = Math.max(most, open);
				}
				expect(peakOverlap(intervals)).toBe(most);
			}),
		);
	});
});

describe("niceTicks", () => {
	it("steps on a 1-2-5 scale from zero to the first tick at or past the maximum", () => {
		expect(niceTicks(2300, 4)).toEqual([0, 1000, 2000, 3000]);
		expect(niceTicks(1, 4)).toEqual([0, 0.5, 1]);
		expect(niceTicks(0, 4)).toEqual([0]);
	});

	it("always covers the maximum with evenly spaced ticks", () => {
		fc.assert(
			fc.property(
				fc.double({ min: 0.001, max: 1e7, noNaN: true }),
				fc.integer({ min: 1, max: 10 }),
				(max, count) => {
					const ticks = niceTicks(max, count);
					expect(ticks[0]).toBe(0);
					expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
					expect(ticks.length).toBeLessThanOrEqual(2 * count + 2);
				},
			),
		);
	});
});
