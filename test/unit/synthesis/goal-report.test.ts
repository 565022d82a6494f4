import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	actionsForDecomposition,
	describeSteps,
	isGoapError,
	planGoap,
	REPORT_FACT,
} from "../../../src/swarm/goap";
import { buildReport } from "../../../src/synthesis/build-report";
import {
	criterionTerms,
	criterionVerdicts,
	crossSubgoalInsights,
	requiredSourceCount,
	stemToken,
	subgoalsOfFinding,
} from "../../../src/synthesis/goal-report";
import { renderHtml } from "../../../src/synthesis/render-html";
import { headingAnchors, markdownText, renderMarkdown } from "../../../src/synthesis/render-markdown";
import { type Report, ReportSchema } from "../../../src/synthesis/report-schema";
import { GOAL_SECTIONS, REPORT_SECTIONS, reportSections } from "../../../src/synthesis/report-sections";
import type {
	CriterionJudgement,
	GoalSubgoal,
	MergedFinding,
	ReportInput,
	SupportVerdict,
} from "../../../src/synthesis/types";
import {
	failedCitation,
	G1_SYNTHESIS,
	makeGoal,
	makeReportInput,
	ruled,
	SYNTHESIS_SENTENCES,
	verbatimCitation,
} from "./report-fixture";

const HOSTILE = [
	"<script>alert(1)</script>",
	'"><img src=x onerror=alert(1)>',
	"[click](javascript:alert(1))",
	"# Injected heading",
	"| a | b |",
	'"] --> x["y',
	"```mermaid",
	"www.evil.example",
].join(" \n ");

/** A sub-goal for verdict tests; its sub-swarm is the tasks `{id}/explorer` and `{id}/critic`. */
function subgoal(id: string, successCriteria: string[]): GoalSubgoal {
	return {
		id,
		description: `Sub-goal ${id}`,
		complexity: "medium",
		dependsOn: [],
		successCriteria,
		taskIds: [`${id}/explorer`, `${id}/critic`],
	};
}

/**
 * A merged finding by the given tasks with one citation per source id: verbatim unless the verdict is
 * `unsupported` (then the quotes were not found); a supported finding rests on all of its sources.
 */
function finding(
	id: string,
	claim: string,
	taskIds: string[],
	sourceIds: string[],
	verdict: SupportVerdict = "supported",
): MergedFinding {
	const citations = sourceIds.map((sourceId) =>
		verdict === "unsupported"
			? failedCitation(sourceId, null, `quote from ${sourceId}`, "not_found", 0.2)
			: verbatimCitation(sourceId, null, `quote from ${sourceId}`),
	);
	return {
		id,
		title: claim,
		claim,
		subQuestion: null,
		confidence: 0.8,
		weight: 0.8 * Math.max(1, sourceIds.length),
		supportingAgents: taskIds.map((taskId) => ({ taskId, role: "explorer" })),
		citations,
		support: ruled(verdict, `judged ${verdict}`),
		independentSources: verdict === "supported" ? citations.flatMap((c) => (c.sha256 ? [c.sha256] : [])) : [],
		uncited: false,
	};
}

function goalInput(options: { antiHallucination?: "high" | "medium" | "low" } = {}): ReportInput {
	return makeReportInput({ antiHallucination: options.antiHallucination ?? "medium", goal: true });
}

/** Markdown with code spans, mermaid blocks, escapes and well-formed links removed; `links` are the destinations. */
function markdownLeftovers(markdown: string): { rest: string; links: string[] } {
	const links: string[] = [];
	const rest = markdown
		.replace(/```mermaid\n[\s\S]*?\n```/g, "")
		.replace(/\\./g, "")
		.replace(/`[^`\n]*`/g, "")
		.replace(/\[[^\]\n]*\]\((<[^>\n]*>|#[\p{L}\p{M}\p{N}_-]*)\)/gu, (_, destination: string) => {
			links.push(destination.startsWith("<") ? destination.slice(1, -1) : destination);
			return "";
		});
	return { rest, links };
}

function headingLines(markdown: string): string[] {
	return markdown
		.replace(/```mermaid\n[\s\S]*?\n```/g, "")
		.split("\n")
		.filter((line) => /^#{1,6}\s/.test(line));
}

describe("criterion terms and source counts", () => {
	it("splits a criterion's key terms into subject phrases and the context after a qualifying word", () => {
		expect(criterionTerms("Identifies the key facts and evidence on gas boilers for cold climates")).toEqual({
			subject: [["gas", "boilers"]],
			context: ["cold", "climates"],
		});
		expect(criterionTerms("Cites at least two sources on the running costs of heat pumps")).toEqual({
			subject: [["running", "costs", "heat", "pumps"]],
			context: [],
		});
		expect(criterionTerms("States where standard models and cold-climate models differ")).toEqual({
			subject: [
				["standard", "models"],
				["cold", "climate", "models"],
			],
			context: [],
		});
		expect(criterionTerms("Gives yearly emissions, running costs or comfort for a cold home")).toEqual({
			subject: [["yearly", "emissions"], ["running", "costs"], ["comfort"]],
			context: ["cold", "home"],
		});
		// Numbers stay with the subject, even after a qualifying word.
		expect(criterionTerms("Explains how 3 heat pumps keep a COP above 2 at -15 °C")).toEqual({
			subject: [["3", "heat", "pumps", "keep", "cop", "2", "15"]],
			context: [],
		});
		expect(criterionTerms("Notes open questions or conflicting evidence on defrost in cold weather")).toEqual(
			{ subject: [["defrost"]], context: ["cold", "weather"] },
		);
		expect(criterionTerms("Backs each conclusion with a cited source")).toEqual({ subject: [], context: [] });
		expect(criterionTerms("States the assumptions and limits of its conclusions")).toEqual({
			subject: [],
			context: [],
		});
	});

	it("states a phrase only when one finding states all of it", () => {
		const boilers = subgoal("g1", ["Identifies the key facts and evidence on gas boilers"]);
		const apart = [
			finding("F1", "Heat pumps replace fossil fuel boilers", ["g1/explorer"], ["s1"]),
			finding("F2", "High gas prices drove heat pump sales", ["g1/explorer"], ["s2"]),
		];
		expect(criterionVerdicts(boilers, apart)[0]?.status).toBe("not_met");
		const together = finding("F3", "Gas boilers cannot meet the new standards", ["g1/critic"], ["s3"]);
		expect(criterionVerdicts(boilers, [...apart, together])[0]).toMatchObject({
			status: "met",
			evidence: ["F3"],
		});
	});

	it("reads N from 'Cites at least N sources', in digits or words, and nothing else", () => {
		expect(requiredSourceCount("Cites at least two sources on heat pumps")).toBe(2);
		expect(requiredSourceCount("cite at least 3 independent sources for its answer")).toBe(3);
		expect(requiredSourceCount("Cites at least one source")).toBe(1);
		expect(requiredSourceCount("Identifies at least two trends")).toBeNull();
		expect(requiredSourceCount("Backs each conclusion with a cited source")).toBeNull();
	});

	it("reduces plurals to a crude singular", () => {
		expect(["cycles", "studies", "glass", "analysis", "gas", "costs"].map(stemToken)).toEqual([
			"cycle",
			"study",
			"glass",
			"analysis",
			"gas",
			"cost",
		]);
	});
});

describe("criterionVerdicts by rule", () => {
	it("judges the fixture's sub-goals from their own supported and partial findings", () => {
		const input = goalInput();
		const goal = input.goal ?? makeGoal();
		const findings = input.aggregation.findings;
		const [g1, g2, g3] = goal.subgoals.map((entry) => criterionVerdicts(entry, findings));
		expect(g1).toEqual([
			{
				criterion: "Identifies the key facts and evidence on the coefficient of performance",
				status: "met",
				met: true,
				why: "met: f1 states 'coefficient performance'",
				evidence: ["f1"],
				judgedBy: "rules",
			},
			{
				criterion: "Cites at least two sources on the coefficient of performance",
				status: "met",
				met: true,
				why: "met: f1 states 'coefficient performance', with 2 distinct verified sources of 2 needed",
				evidence: ["f1"],
				judgedBy: "rules",
			},
		]);
		expect(g2?.map((verdict) => [verdict.status, verdict.why])).toEqual([
			["met", "met: f2 states 'defrost cycles'"],
			["partly", "partly: f2 states 'defrost cycles', with 1 distinct verified source of 2 needed"],
		]);
		expect(g3?.[0]).toMatchObject({ status: "met", evidence: ["f1", "f4"] });
		// f6 says "cost more to install", but it is g2's finding, not g3's.
		expect(g3?.[1]).toEqual({
			criterion: "Identifies the installation cost",
			status: "not_met",
			met: false,
			why: "not met: no supported or partial finding of the sub-goal states 'installation cost'",
			evidence: [],
			judgedBy: "rules",
		});
	});

	it("does not meet a criterion on gas boilers with findings about heat pumps", () => {
		const boilers = subgoal("g2", [
			"Identifies the key facts and evidence on gas boilers for cold climates",
			"Cites at least two sources on gas boilers for cold climates",
			"Notes open questions or conflicting evidence on gas boilers for cold climates",
		]);
		const heatPumps = [
			finding("F1", "Air-source heat pumps keep heating homes in cold climates", ["g2/explorer"], ["s1"]),
			finding("F2", "Cold climates cut heat pump efficiency by a third", ["g2/critic"], ["s2"]),
			finding("F3", "Heat pumps for cold climates need backup heat", ["g2/explorer"], ["s3"], "partial"),
		];
		const verdicts = criterionVerdicts(boilers, heatPumps);
		expect(verdicts.map((verdict) => verdict.status)).toEqual(["not_met", "not_met", "not_met"]);
		expect(verdicts[0]?.why).toBe(
			"not met: no supported or partial finding of the sub-goal states 'gas boilers'",
		);
		expect(verdicts.every((verdict) => verdict.evidence.length === 0)).toBe(true);

		const onBoilers = finding("F4", "Gas boilers reach 90 percent efficiency", ["g2/critic"], ["s4"]);
		expect(criterionVerdicts(boilers, [...heatPumps, onBoilers])[0]).toMatchObject({
			status: "partly",
			why: "partly: F4 states 'gas boilers' but none states 'cold climates'",
			evidence: ["F4"],
		});
		const inTheCold = finding(
			"F5",
			"Gas boilers keep their efficiency in cold climates",
			["g2/explorer"],
			["s5"],
		);
		expect(criterionVerdicts(boilers, [...heatPumps, onBoilers, inTheCold]).map((v) => v.status)).toEqual([
			"met",
			"met",
			"met",
		]);
	});

	it("reads claims and verified quotes, not titles or quotes that failed", () => {
		const target = subgoal("g1", ["Identifies the installation cost of heat pumps"]);
		const titled = { ...finding("F1", "Prices vary by region", ["g1/explorer"], ["s1"]) };
		titled.title = "Installation cost of heat pumps";
		expect(criterionVerdicts(target, [titled])[0]?.status).toBe("not_met");
		const quoted = finding("F2", "Prices vary by region", ["g1/explorer"], ["s1"]);
		quoted.citations = [verbatimCitation("s1", null, "the installation cost of heat pumps varies by region")];
		expect(criterionVerdicts(target, [quoted])[0]?.status).toBe("met");
		const failed = finding("F3", "Prices vary by region", ["g1/explorer"], ["s1"]);
		failed.citations = [failedCitation("s1", null, "the installation cost of heat pumps", "not_found")];
		expect(criterionVerdicts(target, [failed])[0]?.status).toBe("not_met");
	});

	it("needs the criterion's numbers", () => {
		const target = subgoal("g1", ["Explains whether heat pumps keep a COP above 2 at -15 °C"]);
		const three = finding("F1", "Heat pumps keep a COP above 3 at -15 °C", ["g1/explorer"], ["s1"]);
		expect(criterionVerdicts(target, [three])[0]?.why).toBe(
			"not met: no supported or partial finding of the sub-goal states 'heat pumps keep cop 2 15'",
		);
		const two = finding("F2", "Heat pumps keep a COP above 2 at -15 °C", ["g1/explorer"], ["s2"]);
		expect(criterionVerdicts(target, [three, two])[0]).toMatchObject({
			status: "met",
			evidence: ["F2"],
		});
	});

	it("counts only the sub-goal's own supported and partial findings, partial ones for partly at most", () => {
		const target = subgoal("g1", ["Identifies the installation cost of heat pumps"]);
		const findings = [
			finding("F1", "Installation cost of heat pumps is high", ["g2/explorer"], ["s1"]),
			finding("F2", "Installation cost of heat pumps is high", ["g1/explorer"], ["s1"], "unsupported"),
			finding("F3", "Installation cost of heat pumps is high", ["synthesizer"], ["s1"]),
			finding("F6", "Installation cost of heat pumps is high", ["g1/critic"], ["s3"], "contradicted"),
		];
		expect(criterionVerdicts(target, findings)[0]).toMatchObject({
			status: "not_met",
			why: "not met: the sub-goal has no supported or partial findings",
		});
		const partial = finding(
			"F5",
			"Installation cost of heat pumps is high",
			["g1/explorer"],
			["s2"],
			"partial",
		);
		expect(criterionVerdicts(target, [...findings, partial])[0]).toMatchObject({
			status: "partly",
			why: "partly: F5 (partial) states 'installation cost heat pumps', only with partly supported findings",
			evidence: ["F5"],
		});
		const own = finding("F4", "Heat pump installation costs vary", ["g1/critic"], ["s2"]);
		expect(criterionVerdicts(target, [...findings, partial, own])[0]).toMatchObject({
			status: "met",
			evidence: ["F4"],
		});
	});

	it("needs N distinct verified sources over the supported findings on the subject for 'Cites at least N sources'", () => {
		const target = subgoal("g1", ["Cites at least three sources on defrost cycles"]);
		const onTopic = [
			finding("F1", "Defrost cycles cut output", ["g1/explorer"], ["s1", "s2"]),
			finding("F2", "Each defrost cycle lasts minutes", ["g1/critic"], ["s2"]),
		];
		const offTopic = finding("F3", "Heat pumps cost more upfront", ["g1/explorer"], ["s3", "s4"]);
		const partial = finding(
			"F6",
			"Defrost cycles are rare in mild weather",
			["g1/explorer"],
			["s7"],
			"partial",
		);
		expect(criterionVerdicts(target, [...onTopic, offTopic, partial])[0]).toEqual({
			criterion: "Cites at least three sources on defrost cycles",
			status: "partly",
			met: false,
			why: "partly: F1, F2 state 'defrost cycles', with 2 distinct verified sources of 3 needed",
			evidence: ["F1", "F2", "F6"],
			judgedBy: "rules",
		});
		const third = finding("F5", "Defrost cycles use stored heat", ["g1/critic"], ["s6"]);
		expect(criterionVerdicts(target, [...onTopic, third])[0]).toMatchObject({
			status: "met",
			why: "met: F1, F2, F5 state 'defrost cycles', with 3 distinct verified sources of 3 needed",
		});
	});

	it("judges a criterion with no key terms on the sub-goal as a whole", () => {
		const target = subgoal("g1", ["Backs each conclusion with a cited source", "Cites at least two sources"]);
		const verdicts = criterionVerdicts(target, [
			finding("F1", "Anything at all", ["g1/explorer"], ["s1"]),
			finding("F2", "Something else", ["g1/critic"], ["s1"]),
		]);
		expect(verdicts.map((verdict) => [verdict.status, verdict.why])).toEqual([
			["met", "met: the sub-goal has findings F1, F2"],
			["partly", "partly: the sub-goal has findings F1, F2, with 1 distinct verified source of 2 needed"],
		]);
		const onlyPartial = criterionVerdicts(target, [
			finding("F3", "Partly so", ["g1/explorer"], ["s1"], "partial"),
		]);
		expect(onlyPartial[0]?.status).toBe("partly");
	});

	it("is met once a supported finding of the sub-goal states every key term, and more findings never lower it", () => {
		const word = fc.constantFrom(
			"defrost",
			"tariff",
			"grid",
			"carbon",
			"noise",
			"refrigerant",
			"compressor",
			"subsidy",
			"ducts",
			"insulation",
		);
		const rank = { not_met: 0, partly: 1, met: 2 };
		fc.assert(
			fc.property(
				fc.uniqueArray(word, { minLength: 1, maxLength: 4 }),
				fc.array(
					fc.tuple(
						fc.array(word, { maxLength: 5 }),
						fc.boolean(),
						fc.constantFrom<SupportVerdict>("supported", "partial", "unsupported", "contradicted"),
					),
				),
				(topic, others) => {
					const target = subgoal("g1", [`Identifies the key facts on ${topic.join(" ")}`]);
					const noise = others.map(([words, own, verdict], index) =>
						finding(
							`N${index}`,
							`Note ${words.join(" ")}`,
							[own ? "g1/explorer" : "g2/explorer"],
							["s1"],
							verdict,
						),
					);
					const before = criterionVerdicts(target, noise)[0];
					const stating = finding("T", `It is about ${topic.join(" and ")}`, ["g1/critic"], ["s2"]);
					const after = criterionVerdicts(target, [...noise, stating])[0];
					expect(after?.status).toBe("met");
					expect(after?.evidence).toContain("T");
					expect(rank[after?.status ?? "not_met"]).toBeGreaterThanOrEqual(rank[before?.status ?? "not_met"]);
					const counted = noise
						.filter(
							(entry) =>
								["supported", "partial"].includes(entry.support.verdict) &&
								entry.supportingAgents[0]?.taskId === "g1/explorer",
						)
						.map((entry) => entry.id);
					expect(counted).toEqual(expect.arrayContaining(before?.evidence ?? []));
					// Findings of another sub-goal never change the verdict.
					const foreign = noise.filter((entry) => entry.supportingAgents[0]?.taskId === "g2/explorer");
					expect(criterionVerdicts(target, foreign)[0]?.status).toBe("not_met");
				},
			),
			{ numRuns: 200 },
		);
	});
});

describe("criterionVerdicts with a model's judgements", () => {
	const target = subgoal("g1", [
		"Identifies the key facts and evidence on gas boilers for cold climates",
		"Cites at least two sources on gas boilers",
	]);
	const own = [
		finding("F1", "Gas boilers reach 90 percent efficiency", ["g1/explorer"], ["s1"]),
		finding("F2", "Gas boilers run quietly", ["g1/critic"], ["s2"]),
		finding("F3", "Gas boilers need yearly servicing", ["g1/explorer"], ["s3"], "partial"),
	];
	const other = finding("F9", "Gas boilers keep homes warm in cold climates", ["g2/explorer"], ["s4"]);
	const findings = [...own, other];
	const judge = (
		criterionId: string,
		status: CriterionJudgement["status"],
		findingIds: string[],
	): CriterionJudgement => ({ criterionId, status, findingIds, reason: "the findings say so" });

	it("judges by rules alone without judgements, and names the judge of each verdict", () => {
		expect(criterionVerdicts(target, findings).map((verdict) => [verdict.status, verdict.judgedBy])).toEqual([
			["partly", "rules"],
			["met", "rules"],
		]);
	});

	it("takes a raise to met that cites the sub-goal's own supported findings", () => {
		const [first] = criterionVerdicts(target, findings, [judge("g1#1", "met", ["F1", "F2"])]);
		expect(first).toEqual({
			criterion: target.successCriteria[0],
			status: "met",
			met: true,
			why: "met: the findings say so (F1, F2)",
			evidence: ["F1", "F2"],
			judgedBy: "model",
		});
	});

	it("takes a confirmation or a downgrade", () => {
		const verdicts = criterionVerdicts(target, findings, [
			judge("g1#1", "not_met", []),
			judge("g1#2", "partly", []),
		]);
		expect(verdicts.map((verdict) => [verdict.status, verdict.judgedBy, verdict.evidence])).toEqual([
			["not_met", "model", []],
			["partly", "model", ["F1", "F2"]],
		]);
		const confirmed = criterionVerdicts(target, findings, [judge("g1#2", "met", ["F1", "F2"])]);
		expect(confirmed[1]).toMatchObject({ status: "met", judgedBy: "model", evidence: ["F1", "F2"] });
	});

	it("sets aside a met that cites another sub-goal's finding, an unknown id, no id or a partial finding", () => {
		const cases: [string[], string][] = [
			[["F1", "F9"], "F9 is not a supported or partial finding of g1"],
			[["F404"], "F404 is not a supported or partial finding of g1"],
			[[], "it names no finding"],
			[["F1", "F3"], "F3 only partly supported"],
		];
		for (const [ids, problem] of cases) {
			const [first] = criterionVerdicts(target, findings, [judge("g1#1", "met", ids)]);
			expect(first, problem).toMatchObject({ status: "partly", met: false, judgedBy: "rules" });
			expect(first?.why).toBe(
				`partly: F1, F2, F3 (partial) state 'gas boilers' but none states 'cold climates' (the model's "met" was set aside: ${problem})`,
			);
		}
	});

	it("sets aside a met short of the sources a criterion asks for, and a raise to partly", () => {
		const [, second] = criterionVerdicts(target, findings, [judge("g1#2", "met", ["F1"])]);
		expect(second?.judgedBy).toBe("rules");
		expect(second?.why).toMatch(/set aside: its findings have 1 distinct verified source of 2 needed\)$/);
		const boilers = subgoal("g1", ["Identifies the key facts on gas boilers"]);
		const heatPumps = [finding("F1", "Heat pumps work in the cold", ["g1/explorer"], ["s1"])];
		const [raised] = criterionVerdicts(boilers, heatPumps, [judge("g1#1", "partly", ["F1"])]);
		expect(raised).toMatchObject({ status: "not_met", judgedBy: "rules" });
		expect(raised?.why).toContain("set aside: a verdict may be raised only to met");
	});

	it("ignores judgements of criteria it does not have", () => {
		const verdicts = criterionVerdicts(target, findings, [
			judge("g2#1", "not_met", []),
			judge("g1#3", "met", ["F1"]),
		]);
		expect(verdicts).toEqual(criterionVerdicts(target, findings));
	});
});

describe("crossSubgoalInsights", () => {
	it("finds the fixture's shared finding and its conflict between sub-goals", () => {
		const input = goalInput();
		const insights = crossSubgoalInsights(input.goal ?? makeGoal(), input.aggregation);
		expect(insights.sharedFindings).toEqual([{ findingId: "f1", subgoalIds: ["g1", "g3"] }]);
		// f1 vs f3 is left out: f3 has no verified citation.
		expect(insights.conflicts).toEqual([
			{
				topic: ["cop", "15"],
				reason: "numeric",
				sideA: { findingId: "f1", subgoalIds: ["g1", "g3"] },
				sideB: { findingId: "f4", subgoalIds: ["g3"] },
			},
		]);
	});

	it("leaves out conflicts inside one sub-goal and findings of the master synthesizer alone", () => {
		const goal = { ...makeGoal(), subgoals: [subgoal("g1", ["x"]), subgoal("g2", ["y"])] };
		const findings = [
			finding("F1", "Costs rose 10 percent", ["g1/explorer"], ["s1"]),
			finding("F2", "Costs rose 20 percent", ["g1/critic"], ["s2"]),
			finding("F3", "Costs rose 30 percent", ["g2/explorer", "synthesizer"], ["s3"]),
			finding("F4", "Costs fell", ["synthesizer"], ["s4"]),
			finding("F5", "Costs rose 10 percent again", ["g1/explorer", "g2/critic"], ["s5"]),
			finding("F6", "Costs rose 10 percent twice", ["g1/explorer", "g2/critic"], ["s6"], "unsupported"),
			finding("F9", "Costs rose 10 percent thrice", ["g1/explorer", "g2/critic"], ["s7"], "partial"),
		];
		const conflict = (a: string, b: string) => ({
			findingA: a,
			findingB: b,
			topic: ["costs"],
			reason: "numeric" as const,
			detail: "10 percent against 20 percent for costs",
		});
		const aggregation = {
			...makeReportInput().aggregation,
			findings,
			conflicts: [
				conflict("F1", "F2"),
				conflict("F1", "F3"),
				conflict("F3", "F4"),
				conflict("F2", "F6"),
				conflict("F3", "F9"),
			],
		};
		const insights = crossSubgoalInsights(goal, aggregation);
		expect(insights.sharedFindings).toEqual([{ findingId: "F5", subgoalIds: ["g1", "g2"] }]);
		expect(insights.conflicts.map((entry) => [entry.sideA.findingId, entry.sideB.findingId])).toEqual([
			["F1", "F3"],
		]);
		expect(subgoalsOfFinding(finding("F7", "Costs fell", ["synthesizer"], ["s4"]), goal.subgoals)).toEqual(
			[],
		);
		expect(
			subgoalsOfFinding(finding("F8", "Costs fell", ["g2/critic", "g1/x"], ["s4"]), goal.subgoals),
		).toEqual(["g2"]);
	});
});

describe("buildReport in goal mode", () => {
	const report = buildReport(goalInput());

	it("passes the schema and survives a JSON round trip", () => {
		expect(ReportSchema.safeParse(report).success).toBe(true);
		expect(ReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
		for (const mode of ["high", "low"] as const) {
			expect(ReportSchema.safeParse(buildReport(goalInput({ antiHallucination: mode }))).success).toBe(true);
		}
	});

	it("fills the goal section: plan, sub-goals with verdicts and findings, insights", () => {
		const goal = report.goal;
		expect(goal?.goal).toBe(makeGoal().goal);
		expect(goal?.plan).toEqual({ levels: makeGoal().levels, explanation: makeGoal().explanation });
		expect(
			goal?.subgoals.map((entry) => [entry.id, entry.criteriaMet, entry.criteria.length, entry.findingIds]),
		).toEqual([
			["g1", 2, 2, ["f1"]],
			["g2", 1, 2, ["f2", "f6"]],
			["g3", 1, 2, ["f1", "f4"]],
		]);
		expect(goal?.subgoals[2]).toMatchObject({ complexity: "high", dependsOn: ["g1", "g2"] });
		expect(goal?.crossSubgoalInsights.sharedFindings).toEqual([
			{ findingId: "f1", subgoalIds: ["g1", "g3"] },
		]);
		expect(goal?.crossSubgoalInsights.conflicts).toHaveLength(1);
	});

	it("lists the body findings of each sub-goal: only supported ones with high, all with low", () => {
		const high = buildReport(goalInput({ antiHallucination: "high" }));
		expect(high.goal?.subgoals.map((entry) => entry.findingIds)).toEqual([["f1"], ["f2"], ["f1", "f4"]]);
		const low = buildReport(goalInput({ antiHallucination: "low" }));
		expect(low.goal?.subgoals.map((entry) => entry.findingIds)).toEqual([
			["f1", "f3"],
			["f2", "f6"],
			["f1", "f4", "f5", "f7"],
		]);
		// The verdicts do not depend on the mode: only supported findings ever meet a criterion.
		for (const other of [high, low]) {
			expect(other.goal?.subgoals.map((entry) => entry.criteria)).toEqual(
				report.goal?.subgoals.map((entry) => entry.criteria),
			);
		}
	});

	it("opens the executive summary with the goal and how many sub-goals met all their criteria", () => {
		const [first] = report.executiveSummary.text.split("\n\n");
		expect(first).toBe(`Goal: ${makeGoal().goal}. 1 of 3 sub-goals met all their success criteria (g1).`);
		// The master synthesizer speaks for the job, not the first sub-swarm's synthesizer.
		expect(report.executiveSummary.text).toContain(`${SYNTHESIS_SENTENCES.supported} [S1, S2]`);
		expect(
			report.appendix.agentNarratives[0]?.sentences.map((sentence) => [sentence.text, sentence.verdict]),
		).toEqual([[G1_SYNTHESIS, "supported"]]);
		expect(report.executiveSummary.text).not.toContain(G1_SYNTHESIS);
		const across = report.goal?.executiveSummary ?? "";
		expect(across).toContain("planned in 2 levels (level 1: g1, g2 at once; level 2: g3)");
		expect(across).toContain(
			'g3 (How standard models compare with cold-climate models): 1 of 2 success criteria met; not met: "Identifies the installation cost"',
		);
		expect(across).toContain("Findings shared across sub-goals: f1 (g1, g3).");
		expect(across).toContain("Conflicts between sub-goals: f1 (g1, g3) vs f4 (g3) on cop 15.");
	});

	it("leaves a direct-mode report as it was, with goal null", async () => {
		const input = makeReportInput({ antiHallucination: "medium" });
		const direct = buildReport(input);
		expect(direct.goal).toBeNull();
		expect(Object.keys(direct)).toEqual(Object.keys(report));
		expect(reportSections(direct)).toEqual([...REPORT_SECTIONS]);
		expect(direct.executiveSummary.text).not.toContain("Goal:");
		const markdown = renderMarkdown(direct);
		const page = await renderHtml(direct);
		for (const title of ["Across Sub-goals", ...GOAL_SECTIONS.map((entry) => entry.title)]) {
			expect(markdown).not.toContain(title);
			expect(page).not.toContain(title);
		}
		expect(markdown).not.toContain("](#");
		expect(page).not.toContain('href="#');
		expect(page).not.toContain('id="finding-');
	});
});

describe("rendering a goal-mode report", () => {
	const report = buildReport(goalInput());
	const markdown = renderMarkdown(report);

	it("puts the goal sections after the Executive Summary, in both formats", async () => {
		const sections = reportSections(report).map((entry) => entry.title);
		expect(sections).toEqual([
			"Executive Summary",
			"Goal Plan",
			"Sub-goals",
			"Cross-Sub-goal Insights",
			...REPORT_SECTIONS.slice(1).map((entry) => entry.title),
		]);
		expect(headingLines(markdown).filter((line) => line.startsWith("## "))).toEqual(
			sections.map((title) => `## ${title}`),
		);
		const page = await renderHtml(report);
		expect([...page.matchAll(/<details open id="([^"]+)">/g)].map((match) => match[1])).toEqual(
			reportSections(report).map((entry) => entry.id),
		);
	});

	it("draws the sub-goal DAG as mermaid and lists the levels and the planner's explanation", () => {
		const block = [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)][0]?.[1] ?? "";
		expect(block).toContain(
			'  g1["g1 · Efficiency of cold-climate heat pumps at low temperatures · medium · 2/2 criteria met"]',
		);
		expect(block.match(/^ {2}g\d+\[/gm)).toHaveLength(3);
		expect([...block.matchAll(/^ {2}(g\d) --> (g\d)$/gm)].map((match) => `${match[1]}>${match[2]}`)).toEqual([
			"g1>g3",
			"g2>g3",
		]);
		expect(block).toMatch(/^ {2}class g1 met$/m);
		expect(block).toMatch(/^ {2}class g2 unmet$/m);
		expect(markdown).toContain("- **Level 1** (at once): g1, g2\n- **Level 2**: g3");
		expect(markdown).toContain(
			"### Planner's Explanation\n\n1. research g1: no preconditions; makes researched(g1), which g3 needs",
		);
	});

	it("numbers each step of the planner's explanation once, in Markdown and HTML", async () => {
		const goal = makeGoal();
		const plan = planGoap({ start: [], goal: [REPORT_FACT], actions: actionsForDecomposition(goal) });
		if (isGoapError(plan)) throw new Error(plan.message);
		const input = goalInput();
		input.goal = { ...goal, explanation: describeSteps(plan) };
		const planned = buildReport(input);
		const text = renderMarkdown(planned);
		const section = text.slice(text.indexOf("### Planner's Explanation"), text.indexOf("## Sub-goals"));
		expect(section).toContain("\n1. research:g1 (level 1, cost 2): requires nothing;");
		expect(section).toContain("\n4. synthesize (level 3, cost 1): requires done:g1, done:g2, done:g3;");
		expect(section).not.toMatch(/^\d+\. \d+\\?\./m);
		const page = await renderHtml(planned);
		expect(page).toContain("<li>research:g1 (level 1, cost 2): requires nothing;");
		expect(page).not.toMatch(/<li>\d+\./);
	});

	it("has a Markdown section per sub-goal with every criterion's verdict and links to its findings", () => {
		for (const entry of report.goal?.subgoals ?? []) {
			const start = markdown.indexOf(`### Sub-goal ${entry.id}: ${markdownText(entry.description)}\n`);
			expect(start).toBeGreaterThan(0);
			const section = markdown.slice(start, markdown.indexOf("\n### ", start + 1));
			const marks = { met: "✓ **Met**", partly: "◐ **Partly met**", not_met: "✗ **Not met**" };
			for (const verdict of entry.criteria) {
				expect(section).toContain(
					`- ${marks[verdict.status]} (judged by rules): ${markdownText(verdict.criterion)} — ${markdownText(verdict.why)}`,
				);
			}
			for (const id of entry.findingIds) expect(section).toMatch(new RegExp(`- \\[${id}\\]\\(#[\\w-]+\\) `));
		}
		expect(markdown).toContain(
			"- ◐ **Partly met** (judged by rules): Cites at least 2 sources on defrost cycles — partly: f2 states 'defrost cycles', with 1 distinct verified source of 2 needed; findings [f2](#3-defrost-cycles-cost-about-10-of-output)\n",
		);
		expect(markdown).toContain(
			"- ✗ **Not met** (judged by rules): Identifies the installation cost — not met: no supported or partial finding of the sub-goal states 'installation cost'\n",
		);
		expect(markdown).toContain("- [f1](#1-cop-stays-above-2-at--15-c) COP stays above 2 at -15 °C\n");
		expect(markdown).toContain(
			"- [f6](#4-cold-climate-models-cost-more) Cold-climate models cost more (unverified)",
		);
	});

	it("names a finding outside the body without a link", async () => {
		const input = goalInput({ antiHallucination: "high" });
		const goal = input.goal ?? makeGoal();
		const [g1, g2, g3] = goal.subgoals;
		if (g1 === undefined || g2 === undefined || g3 === undefined)
			throw new Error("fixture has three sub-goals");
		const criterion = "Identifies what cold-climate models cost to install";
		input.goal = { ...goal, subgoals: [g1, { ...g2, successCriteria: [criterion] }, g3] };
		const high = buildReport(input);
		expect(high.goal?.subgoals[1]?.criteria[0]).toMatchObject({ status: "partly", evidence: ["f6"] });
		expect(high.findings.map((entry) => entry.id)).not.toContain("f6");
		expect(renderMarkdown(high)).toMatch(
			/Identifies what cold-climate models cost to install — partly: .*; findings f6\n/,
		);
		const page = await renderHtml(high);
		expect(page).toMatch(
			/Identifies what cold-climate models cost to install — partly: [^<]*; findings f6<\/li>/,
		);
	});

	it("links every finding to the GitHub anchor of its heading", () => {
		const { links } = markdownLeftovers(markdown);
		const anchors = new Set(headingAnchors(headingLines(markdown).map((line) => line.replace(/^#+ /, ""))));
		const inPage = links.filter((link) => link.startsWith("#"));
		expect(inPage.length).toBeGreaterThan(5);
		for (const link of inPage) expect(anchors.has(link.slice(1)), link).toBe(true);
	});

	it("shows shared findings and conflicts between sub-goals with both sides", () => {
		expect(markdown).toContain(
			"### Shared Findings\n\n- [f1](#1-cop-stays-above-2-at--15-c) COP stays above 2 at -15 °C — made in g1, g3",
		);
		expect(markdown).toContain(
			"1. **cop 15** — different numbers for the same quantity\n   - **Side A** ([f1](#1-cop-stays-above-2-at--15-c), g1, g3): Cold-climate models",
		);
		expect(markdown).toContain(
			"   - **Side B** ([f4](#2-cop-drops-to-14-at--15-c), g3): Standard models fell to a COP of 1.4 at -15 °C. \\[S2\\]",
		);
	});

	it("has an HTML section per sub-goal with verdicts and in-page links to finding articles", async () => {
		const page = await renderHtml(report);
		for (const entry of report.goal?.subgoals ?? []) {
			const start = page.indexOf(`<h3>Sub-goal ${entry.id}: ${entry.description}</h3>`);
			expect(start).toBeGreaterThan(0);
			const section = page.slice(start, page.indexOf("<h3>", start + 1));
			const count = (status: string) => entry.criteria.filter((verdict) => verdict.status === status).length;
			expect(section.match(/<span class="ok">✓ met<\/span> \(judged by rules\)/g) ?? []).toHaveLength(
				entry.criteriaMet,
			);
			expect(section.match(/<strong>◐ partly met<\/strong>/g) ?? []).toHaveLength(count("partly"));
			expect(section.match(/<span class="bad">✗ not met<\/span>/g) ?? []).toHaveLength(count("not_met"));
			for (const id of entry.findingIds)
				expect(section).toMatch(new RegExp(`<a href="#finding-\\d+">${id}</a>`));
		}
		expect(page).toContain(
			"<td>1</td><td>g1</td><td>Efficiency of cold-climate heat pumps at low temperatures</td>",
		);
		expect(page).toContain("<td>2</td><td>g3</td>");
		const ids = new Set([...page.matchAll(/ id="(finding-\d+)"/g)].map((match) => match[1]));
		expect(ids.size).toBe(report.findings.length);
		for (const [, target] of page.matchAll(/href="#([^"]*)"/g)) expect(ids.has(target)).toBe(true);
		expect(page).toContain(
			'<article class="finding" data-search id="finding-2">\n<h3>2. COP drops to 1.4 at -15 °C</h3>',
		);
	});

	it("keeps the anchor of a finding whose heading repeats the title", () => {
		expect(headingAnchors(["A b", "A b", "# x!", "a-b-1"])).toEqual(["a-b", "a-b-1", "-x", "a-b-1-1"]);
		const input = goalInput();
		input.task = "1. COP stays above 2 at -15 °C";
		expect(renderMarkdown(buildReport(input))).toContain("[f1](#1-cop-stays-above-2-at--15-c-1)");
	});
});

describe("hostile goal text", () => {
	function hostileGoal(): ReportInput {
		const input = goalInput();
		const goal = input.goal ?? makeGoal();
		input.goal = {
			...goal,
			goal: HOSTILE,
			explanation: goal.explanation.map((line) => `${line} ${HOSTILE}`),
			subgoals: goal.subgoals.map((entry) => ({
				...entry,
				description: `${entry.description} ${HOSTILE}`,
				successCriteria: entry.successCriteria.map((criterion) => `${criterion} ${HOSTILE}`),
			})),
		};
		return input;
	}

	it("cannot add Markdown structure: headings, links, HTML or mermaid nodes", () => {
		const benign = renderMarkdown(buildReport(goalInput()));
		const markdown = renderMarkdown(buildReport(hostileGoal()));
		expect(headingLines(markdown)).toHaveLength(headingLines(benign).length);
		const { rest, links } = markdownLeftovers(markdown);
		expect(rest).not.toMatch(/[<[\]]/);
		const benignLinks = markdownLeftovers(benign).links;
		expect(links.filter((link) => !link.startsWith("#"))).toEqual(
			benignLinks.filter((link) => !link.startsWith("#")),
		);
		const block = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)][0]?.[1] ?? "";
		for (const line of block.split("\n").slice(1)) {
			expect(line).toMatch(
				/^ {2}(g\d+\["[^"<>[\]`#]*"\]|g\d+ --> g\d+|classDef \w+ [\w:#,]+|class g\d+ \w+)$/,
			);
		}
		expect(markdown.match(/```/g)).toHaveLength(4);
	});

	it("is escaped in HTML, which keeps to its own tags, attributes and the unchanged CSP", async () => {
		const page = await renderHtml(buildReport(hostileGoal()));
		const benign = await renderHtml(buildReport(goalInput()));
		expect(page.match(/<script/gi)).toHaveLength(1);
		expect(page.match(/<style/gi)).toHaveLength(1);
		expect(page).not.toMatch(/<img|<svg|href="\s*javascript/i);
		expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
		// Every tag with its attribute names: escaped text has no "<", so these are the page's own.
		const markup = (text: string) =>
			new Set(
				[...text.replace(/<script>[\s\S]*?<\/script>/, "").matchAll(/<([a-z][a-z0-9]*)([^>]*)>/g)].map(
					(match) =>
						`${match[1]}${[...(match[2] ?? "").matchAll(/\s([\w-]+)(?==|\s|$)/g)].map((a) => ` ${a[1]}`).join("")}`,
				),
			);
		expect(markup(page)).toEqual(markup(benign));
		// Hostile criteria meet less, so they link fewer findings, but never anywhere new.
		const hrefs = (text: string) => new Set([...text.matchAll(/href="([^"]*)"/g)].map((match) => match[1]));
		expect([...hrefs(page)].filter((href) => !hrefs(benign).has(href))).toEqual([]);
		const csp = (text: string) => /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(text)?.[1];
		expect(csp(page)).toBe(csp(await renderHtml(buildReport(makeReportInput()))));
	});
});

describe("a report read back from JSON", () => {
	it("renders the same goal sections as the report it was serialized from", async () => {
		const report = buildReport(goalInput());
		const restored: Report = ReportSchema.parse(JSON.parse(JSON.stringify(report)));
		expect(renderMarkdown(restored)).toBe(renderMarkdown(report));
		expect(await renderHtml(restored)).toBe(await renderHtml(report));
	});
});
