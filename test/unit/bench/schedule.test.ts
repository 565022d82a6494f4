import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listMakespan, optimalMakespan, phaseBarrierMakespan } from "../../../bench/lib/schedule.mjs";
import { criticalPathShare } from "../../../src/swarm/dag";
import { planSwarm } from "../../../src/swarm/sizing";

type Task = { id: string; dependsOn: string[]; phase?: string };

const durations = (entries: Record<string, number>) => new Map(Object.entries(entries));

/** A random DAG: task i may depend only on tasks before it, with durations 1–20. */
const dagArbitrary = fc
	.array(
		fc.record({ duration: fc.integer({ min: 1, max: 20 }), parents: fc.array(fc.nat(), { maxLength: 3 }) }),
		{
			minLength: 1,
			maxLength: 6,
		},
	)
	.map((nodes) => {
		const tasks: Task[] = nodes.map((node, index) => ({
			id: `t${index}`,
			dependsOn: index === 0 ? [] : [...new Set(node.parents.map((parent) => `t${parent % index}`))],
		}));
		return { tasks, durations: new Map(nodes.map((node, index) => [`t${index}`, node.duration])) };
	});

describe("optimalMakespan", () => {
	it("finds schedules that a greedy plan-order list misses", () => {
		// Plan order fills the slot a frees with c, so d waits for b; starting d there ends at 8.
		const tasks: Task[] = [
			{ id: "a", dependsOn: [] },
			{ id: "b", dependsOn: [] },
			{ id: "c", dependsOn: [] },
			{ id: "d", dependsOn: ["a"] },
		];
		const lengths = durations({ a: 2, b: 4, c: 4, d: 6 });
		expect(listMakespan(tasks, lengths, 2)).toBe(10);
		expect(optimalMakespan(tasks, lengths, 2)).toBe(8);
	});

	it("is the critical path without a cap and the total work with a cap of one", () => {
		for (const swarmSize of [3, 5, 7]) {
			const plan = planSwarm({ swarmSize, secondPass: false });
			const lengths = new Map(plan.map((task) => [task.id, Math.round(task.timeShare * 1000)]));
			const total = [...lengths.values()].reduce((sum, value) => sum + value, 0);
			expect(optimalMakespan(plan, lengths, 1)).toBe(total);
			expect(
				Math.abs(optimalMakespan(plan, lengths, plan.length) - criticalPathShare(plan) * 1000),
			).toBeLessThanOrEqual(plan.length);
		}
	});

	it("never beats the lower bounds and never loses to the list schedule", () => {
		fc.assert(
			fc.property(dagArbitrary, fc.integer({ min: 1, max: 4 }), ({ tasks, durations: lengths }, cap) => {
				const optimal = optimalMakespan(tasks, lengths, cap);
				const total = [...lengths.values()].reduce((sum, value) => sum + value, 0);
				const longest = optimalMakespan(tasks, lengths, tasks.length);
				expect(optimal).toBeGreaterThanOrEqual(Math.ceil(total / cap) - 1e-9);
				expect(optimal).toBeGreaterThanOrEqual(longest);
				expect(optimal).toBeLessThanOrEqual(listMakespan(tasks, lengths, cap));
			}),
		);
	});

	it("refuses a missing duration or a cap below one", () => {
		expect(() => optimalMakespan([{ id: "a", dependsOn: [] }], new Map(), 1)).toThrow(/no duration/);
		expect(() => optimalMakespan([{ id: "a", dependsOn: [] }], durations({ a: 1 }), 0)).toThrow(RangeError);
	});
});

describe("listMakespan", () => {
	it("dispatches ready tasks in plan order whenever a slot frees", () => {
		const tasks: Task[] = [
			{ id: "a", dependsOn: [] },
			{ id: "b", dependsOn: [] },
			{ id: "c", dependsOn: ["a"] },
		];
		expect(listMakespan(tasks, durations({ a: 2, b: 3, c: 2 }), 1)).toBe(7);
		expect(listMakespan(tasks, durations({ a: 2, b: 3, c: 2 }), 2)).toBe(4);
	});

	it("reports a cycle instead of looping", () => {
		const tasks: Task[] = [
			{ id: "a", dependsOn: ["b"] },
			{ id: "b", dependsOn: ["a"] },
		];
		expect(() => listMakespan(tasks, durations({ a: 1, b: 1 }), 2)).toThrow(/cycle/);
	});
});

describe("phaseBarrierMakespan", () => {
	it("waits for each phase to end before the next starts", () => {
		const plan = planSwarm({ swarmSize: 5, secondPass: false });
		// Shares 0.25/0.25/0.15/0.15/0.2 as waits of 375/375/225/225/300 ms (L = 300, size 5).
		const lengths = new Map(plan.map((task) => [task.id, Math.round(task.timeShare * 1500)]));
		// Cap 2: research (375, 375, 225) takes 600, review 225, synthesis 300.
		expect(phaseBarrierMakespan(plan, lengths, 2)).toBe(1125);
		// The DAG lets the verifier and the trend analyst run together after the first two: 375 + 225 + 300.
		expect(optimalMakespan(plan, lengths, 2)).toBe(900);
	});

	it("is never shorter than the optimal schedule of the whole DAG", () => {
		fc.assert(
			fc.property(
				dagArbitrary,
				fc.integer({ min: 1, max: 3 }),
				fc.array(fc.constantFrom("research", "review", "synthesis"), { minLength: 6, maxLength: 6 }),
				({ tasks, durations: lengths }, cap, phases) => {
					const phased = tasks.map((task, index) => ({ ...task, phase: phases[index] ?? "research" }));
					// Dependencies must not point to a later phase, as in real plans.
					const order = ["research", "review", "synthesis"];
					const valid = phased.filter((task) =>
						task.dependsOn.every((dependency) => {
							const parent = phased.find((candidate) => candidate.id === dependency);
							return parent !== undefined && order.indexOf(parent.phase) <= order.indexOf(task.phase);
						}),
					);
					fc.pre(valid.length === phased.length);
					expect(phaseBarrierMakespan(phased, lengths, cap)).toBeGreaterThanOrEqual(
						optimalMakespan(phased, lengths, cap),
					);
				},
			),
		);
	});

	it("refuses a phase it does not know", () => {
		expect(() =>
			phaseBarrierMakespan([{ id: "a", dependsOn: [], phase: "party" }], durations({ a: 1 }), 1),
		).toThrow(/unknown phase/);
	});
});
