import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Complexity } from "../../../src/protocol";
import { estimateComplexity } from "../../../src/swarm/task-complexity";

/** Tasks labelled by hand with the complexity a researcher would plan for. */
const LABELLED: readonly [string, Complexity][] = [
	["What is a mutex?", "low"],
	["Define idempotency.", "low"],
	["When was the Rust programming language first released?", "low"],
	["Who invented the transistor?", "low"],
	["What does CRDT stand for?", "low"],
	["How many moons does Jupiter have?", "low"],
	["What is a heat pump?", "low"],
	["Explain what a Merkle tree is", "low"],
	["what's a closure in JavaScript", "low"],
	["How much does a Tesla Model 3 cost?", "low"],
	["What is the capital of Australia?", "low"],
	["What is the boiling point of water at sea level?", "low"],
	["What limits heat pump efficiency in cold climates?", "medium"],
	["What is the history of the Roman aqueducts?", "medium"],
	["What is the role of mitochondria in ageing?", "medium"],
	["How does the TLS 1.3 handshake work?", "medium"],
	["Why did the 2008 financial crisis happen?", "medium"],
	["What are the pros and cons of microservices?", "medium"],
	["Compare Rust and Go for command-line tools", "medium"],
	["Should we use Postgres or MySQL for a small web app?", "medium"],
	["Explain how CRISPR gene editing works and what its main risks are", "medium"],
	["Summarize recent research on solid-state batteries", "medium"],
	["What are the health effects of intermittent fasting?", "medium"],
	["Is nuclear power safe?", "medium"],
	["Tell me about the history of the printing press", "medium"],
	["List the main causes of the French Revolution", "medium"],
	["Give an overview of Kubernetes networking", "medium"],
	["Which is better for data science, R or Python?", "medium"],
	["Compare the cost and emissions of heat pumps versus gas boilers in Norway since 2015", "high"],
	[
		"Evaluate PostgreSQL, MySQL and SQLite for an embedded analytics workload, considering performance, licensing and operational cost",
		"high",
	],
	["Which cloud provider should a fintech startup choose for GDPR compliance, latency and cost?", "high"],
	[
		"What are the trade-offs between event sourcing and CRUD for a banking ledger, and when is each appropriate?",
		"high",
	],
	["Assess the impact of remote work on urban housing prices in the US since 2020", "high"],
	[
		"How do large language models hallucinate, how can hallucinations be measured, and which mitigation techniques work best in production?",
		"high",
	],
	["Compare AWS, Azure, GCP, Oracle Cloud and IBM Cloud", "high"],
	["Compare React and Vue across performance, learning curve, ecosystem and hiring", "high"],
	[
		"What limits heat pump efficiency in cold climates, how do manufacturers address it, and what should a homeowner in Minnesota choose?",
		"high",
	],
	[
		"Compare heat pumps, gas boilers, district heating, electric resistance heaters and biomass boilers across cost, grid impact, maintenance and emissions",
		"very-high",
	],
	[
		"For a 2,000 sq ft house in Minnesota built in 1960, compare air-source heat pumps, ground-source heat pumps and gas furnaces on upfront cost, running cost, comfort and carbon emissions, then recommend a system",
		"very-high",
	],
	[
		"Evaluate the economic, environmental and social impacts of lithium mining in Chile, Argentina and Bolivia over the past decade, and recommend policy options for each country",
		"very-high",
	],
	[
		"Heat pumps vs gas boilers vs district heating vs biomass: which is cheapest to run, which emits least, and which should a Danish town of 20,000 households pick by 2030?",
		"very-high",
	],
];

describe("estimateComplexity", () => {
	it.each(LABELLED)("%s → %s", (task, complexity) => {
		const estimate = estimateComplexity(task);
		expect(estimate.complexity, estimate.reasons.join("; ")).toBe(complexity);
	});

	it("names the alternatives and criteria of a comparison", () => {
		const estimate = estimateComplexity(
			"Compare heat pumps, gas boilers and district heating across cost, grid impact and emissions",
		);
		expect(estimate.entities).toEqual(["heat pumps", "gas boilers", "district heating"]);
		expect(estimate.criteria).toEqual(["cost", "grid impact", "emissions"]);
		expect(estimate.questionType).toBe("evaluation");
	});

	it("splits alternatives on versus and finds places, periods and amounts", () => {
		const estimate = estimateComplexity(
			"Heat pumps versus gas boilers in Norway since 2015 for homes under $500 a year",
		);
		expect(estimate.entities).toEqual(["heat pumps", "gas boilers"]);
		expect(estimate.constraints).toEqual(expect.arrayContaining(["Norway", "since 2015", "$500"]));
	});

	it("recommends the depth of its band", () => {
		const depths = LABELLED.map(([task]) => estimateComplexity(task)).map(({ complexity, depth }) => [
			complexity,
			depth,
		]);
		for (const [complexity, depth] of depths) {
			expect(depth).toBe({ low: 3, medium: 5, high: 7, "very-high": 9 }[complexity as Complexity]);
		}
	});

	it("never lowers the complexity when a task gains another alternative, criterion or question", () => {
		const order: Complexity[] = ["low", "medium", "high", "very-high"];
		const item = fc.stringMatching(/^[a-z]{3,9}( [a-z]{3,9})?$/);
		fc.assert(
			fc.property(
				fc.uniqueArray(item, { minLength: 2, maxLength: 6 }),
				fc.uniqueArray(item, { minLength: 0, maxLength: 5 }),
				(things, by) => {
					const list = (items: string[]) =>
						items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
					const task = (n: number) =>
						`Compare ${list(things.slice(0, n))}${by.length >= 2 ? ` across ${list(by)}` : ""}`;
					for (let n = 2; n < things.length; n++) {
						const fewer = order.indexOf(estimateComplexity(task(n)).complexity);
						const more = order.indexOf(estimateComplexity(task(n + 1)).complexity);
						expect(more).toBeGreaterThanOrEqual(fewer);
					}
				},
			),
		);
	});

	it("gives every task some complexity, however it is written", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 400 }), (task) => {
				const estimate = estimateComplexity(task);
				expect(["low", "medium", "high", "very-high"]).toContain(estimate.complexity);
				expect(estimate.reasons.length).toBeGreaterThan(0);
			}),
		);
	});
});
