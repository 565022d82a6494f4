import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding, Focus, Role, UpstreamResult } from "../../../src/protocol";
import { FindingSchema, ROLES } from "../../../src/protocol";
import {
	buildCorpus,
	extractFindings,
	extractiveProvider,
	findingCount,
	informationPrior,
	selectFindings,
} from "../../../src/providers/extractive";
import { segmentText, tokenize, withoutMarkers } from "../../../src/providers/text";
import {
	AgentOutputSchema,
	type AgentTaskInput,
	type AgentTurn,
	type SourceDocument,
	type TurnProgress,
	ZERO_TOKEN_USAGE,
} from "../../../src/providers/types";
import { answerCues, subQuestionsOf } from "../../../src/swarm/sub-questions";
import { testConfig } from "../../fixtures/agent-context";
import { SAMPLE_SOURCES } from "../../fixtures/sources";

const CONFIG = testConfig({ swarmSize: 7, complexity: "high" });

const TASK = "How do heat pumps perform in cold climates?";

function doc(id: string, text: string): SourceDocument {
	return {
		source: {
			id,
			title: `Source ${id}`,
			url: `https://example.org/${id}`,
			origin: "attached",
			status: "retrieved",
			sha256: null,
			bytes: text.length,
			contentType: "text/plain",
			error: null,
			retrievedAt: 0,
		},
		text,
	};
}

const BASICS =
	"A heat pump is a device that moves heat from a cold reservoir to a warm one using a refrigerant cycle. " +
	"Heat pumps are widely used for space heating in homes. " +
	"Air-source heat pumps extract heat from outside air even in winter.";
const TRIAL =
	"In the 2022 Norwegian field trial, air-source heat pumps reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C. " +
	"Heat pumps performed well in cold climates during the trial. " +
	"Installers reported that 35% of units needed a backup heater below -20 °C.";
const MARKET =
	"Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030. " +
	"Since 2015, the trend toward electrified heating has accelerated. " +
	"Cold climate models now make up a growing share of heat pump sales.";
const CRITIQUE =
	"However, heat pumps lose efficiency in cold climates and may not cover peak demand without backup heating. " +
	"Heat pumps performed well in cold climates in several independent studies.";

const DOCUMENTS = [doc("src-a", BASICS), doc("src-b", TRIAL), doc("src-c", MARKET), doc("src-d", CRITIQUE)];

/** An agent task over the documents; timeShare 0.25 at depth 5 gives 10 findings unless told. */
function taskInput(overrides: Partial<AgentTaskInput> = {}): AgentTaskInput {
	return {
		jobId: "job-1",
		tenantId: "tenant-1",
		taskId: overrides.role ?? "explorer",
		attempt: 1,
		role: "explorer",
		phase: "research",
		task: TASK,
		config: CONFIG,
		provider: "extractive",
		model: null,
		timeShare: 0.25,
		timeBudgetMs: 0.25 * 60 * 60_000,
		sources: (overrides.documents ?? DOCUMENTS).map((document) => document.source),
		upstream: [],
		lessons: [],
		documents: DOCUMENTS,
		...overrides,
	};
}

function upstreamOf(taskId: string, role: Role, findings: Finding[]): UpstreamResult {
	return { taskId, role, findings, narrative: "" };
}

function quoteFinding(sourceId: string, quote: string, confidence = 0.8): Finding {
	return {
		title: quote.slice(0, 30),
		claim: quote,
		confidence,
		citations: [{ sourceId, url: `https://example.org/${sourceId}`, quote }],
	};
}

const claims = (findings: Finding[]) => findings.map((finding) => finding.claim);

/**
 * A title is a label cut from its claim: a contiguous excerpt of it without footnote markers (first
 * letter aside), short, never "…".
 */
function expectLabelOf(title: string, claim: string): void {
	const label = title.replace(/^(?:Counterpoint|Corroborates): /u, "");
	expect(title.length).toBeLessThanOrEqual(80);
	expect(title).not.toMatch(/…|\.\.\.$|\[\d+\]/u);
	expect(label.length).toBeGreaterThan(0);
	const flat = withoutMarkers(claim).replace(/\s+/gu, " ");
	expect(flat.toLowerCase()).toContain(label.toLowerCase());
	const at = flat.toLowerCase().indexOf(label.toLowerCase());
	// Never cut inside a word: the excerpt ends where a word ends.
	expect(flat.charAt(at + label.length)).not.toMatch(/[\p{L}\p{N}]/u);
}

function expectGrounded(findings: Finding[], documents: SourceDocument[]): void {
	const textById = new Map(documents.map((document) => [document.source.id, document.text]));
	for (const finding of findings) {
		expect(finding.citations.length).toBeGreaterThan(0);
		expect(finding.confidence).toBeGreaterThanOrEqual(0);
		expect(finding.confidence).toBeLessThanOrEqual(1);
		expect(finding.title.length).toBeLessThanOrEqual(80);
		expect(
			finding.citations.some((citation) => textById.get(citation.sourceId)?.includes(finding.claim)),
		).toBe(true);
		for (const citation of finding.citations) {
			expect(textById.get(citation.sourceId)).toContain(citation.quote);
			expect(citation.url).toBe(`https://example.org/${citation.sourceId}`);
		}
	}
}

describe("findingCount", () => {
	it("is round((2 + depth · timeShare · 9) · the focus's scale), clamped to [2, 16]", () => {
		expect(findingCount(5, 0.25, "balanced")).toBe(13);
		expect(findingCount(3, 0.2, "balanced")).toBe(7);
		expect(findingCount(1, 0, "balanced")).toBe(2);
		expect(findingCount(10, 1, "balanced")).toBe(16);
		expect(findingCount(3, 0.2, "narrow")).toBe(6);
		expect(findingCount(3, 0.2, "broad")).toBe(9);
	});
});

describe("informationPrior", () => {
	const prior = (text: string) => informationPrior(text, answerCues(text));

	it.each<[string, number]>([
		["Heat pumps are widely used for space heating in homes.", 1],
		["About 70 percent of bacteria in hospitals are resistant to at least one drug.", 2.5],
		["Only 2 new antibiotics reached patients over the following decade.", 2],
		["Increases in resistance are driven by the spread of resistant germs.", 2],
		["Short sleep is associated with obesity in adults of every age group.", 2],
		["Roadways, sidewalks, and buildings absorb and retain much of the sun's heat.", 1.5],
		["At night the body accumulates a neurotransmitter called adenosine while awake.", 1.5],
	])("%s → %d", (text, expected) => {
		expect(prior(text)).toBeCloseTo(expected, 9);
	});

	it("weighs a sentence about its speaker, its text or its method at a tenth", () => {
		for (const text of [
			"I would like to thank the organizers for the opportunity to offer a few remarks on the crisis.",
			"In this review, the mechanisms of resistance of common antimicrobials will be discussed.",
			"Methods: PubMed and EMBASE were searched until June 2022 for cohort studies of sleep.",
			"We searched articles published in English in three databases of medical research.",
		]) {
			expect(prior(text), text).toBeLessThanOrEqual(0.1 * 4.5);
		}
		expect(prior("We show that the urban surface warmed by 0.15 °C over the period.")).toBeGreaterThan(1);
	});

	it("is between 0.1 and 4.5, for any text", () => {
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom(...WORDS, "I", "we searched", "Methods:", "(a term that"), {
					maxLength: 20,
				}),
				(words) => {
					const text = words.join(" ");
					const value = prior(text);
					expect(value).toBeGreaterThanOrEqual(0.1);
					expect(value).toBeLessThanOrEqual(4.5);
				},
			),
		);
	});
});

describe("the research roles of a job", () => {
	const samples = SAMPLE_SOURCES.map((sample, i) => doc(`sample-${i}`, sample.text));
	const config = testConfig({ swarmSize: 5, depth: 3 });
	const task = "How do heat pumps perform in cold climates?";
	const claimsOf = (role: Role, timeShare: number, roleConfig = config) =>
		new Set(
			claims(
				extractFindings(taskInput({ role, task, config: roleConfig, documents: samples, timeShare }))
					.findings,
			),
		);

	it("quote different passages, each leaving what the roles before it quote", () => {
		const explorer = claimsOf("explorer", 0.25);
		const depth = claimsOf("depth_analyst", 0.25);
		const trend = claimsOf("trend_analyst", 0.15);
		expect(explorer.size).toBe(findingCount(3, 0.25, "balanced"));
		expect(depth.size).toBe(findingCount(3, 0.25, "balanced"));
		expect(trend.size).toBe(findingCount(3, 0.15, "balanced"));
		expect([...depth].filter((claim) => explorer.has(claim))).toEqual([]);
		expect([...trend].filter((claim) => explorer.has(claim) || depth.has(claim))).toEqual([]);
	});

	it("read closer to the task's key terms under a narrow focus, and further under a broad one", () => {
		const under = (focus: Focus) =>
			extractFindings(
				taskInput({
					role: "explorer",
					task,
					config: testConfig({ ...config, focus }),
					documents: samples,
					timeShare: 0.25,
				}),
			).findings;
		const narrow = under("narrow");
		const broad = under("broad");
		expect(narrow.length).toBeLessThan(broad.length);
		// Every passage a narrow focus keeps, a broad one keeps too: it only lets more in.
		const broadClaims = new Set(claims(broad));
		expect(claims(narrow).filter((claim) => !broadClaims.has(claim)).length).toBeLessThanOrEqual(1);
	});

	it("take the passages another role quotes only when the job does not plan that role", () => {
		const explorer = claimsOf("explorer", 0.25);
		const alone = claimsOf("depth_analyst", 1, testConfig({ swarmSize: 1, depth: 3 }));
		expect([...alone].filter((claim) => explorer.has(claim)).length).toBeGreaterThan(0);
	});

	it("spread their picks over the sources rather than quoting one long source", () => {
		const long = doc(
			"long",
			[
				"Heat pumps perform well in cold climates when the outdoor unit sits out of the wind.",
				"Heat pumps perform well in cold climates with a properly sized backup heater.",
				"Heat pumps perform well in cold climates once installers set the flow temperature low.",
				"Heat pumps perform well in cold climates if the defrost cycle is tuned for humid air.",
				"Heat pumps perform well in cold climates where homes have large modern radiators.",
			].join(" "),
		);
		const documents = [
			long,
			doc("b", "Heat pumps in cold climates need houses with good insulation and tight windows."),
			doc("c", "Heat pumps in cold climates suffer when snow blocks the outdoor coil for days."),
		];
		const depthAnalyst = (timeShare: number) =>
			extractFindings(
				taskInput({
					role: "depth_analyst",
					task,
					documents,
					timeShare,
					config: testConfig({ swarmSize: 1 }),
				}),
			).findings.map((finding) => finding.citations[0]?.sourceId);
		// Best first, the long source's passages rank above the other two …
		expect(depthAnalyst(1).slice(0, 3)).toEqual(["long", "long", "long"]);
		// … yet three picks take one passage from each source.
		expect(new Set(depthAnalyst(0.02))).toEqual(new Set(["long", "b", "c"]));
	});
});

describe("extractFindings for ranking roles", () => {
	it("explorer covers every relevant source before taking a second passage from any", () => {
		const { findings, narrative } = extractFindings(taskInput({ role: "explorer" }));
		const firstRound = findings.slice(0, 4).map((finding) => finding.citations[0]?.sourceId);
		expect(new Set(firstRound).size).toBe(4);
		// The most relevant passage that says the most: a measured result rather than a general remark.
		expect(findings[0]?.claim).toMatch(/^In the 2022 Norwegian field trial, air-source heat pumps reached/u);
		expect(narrative).toContain('[src-b] "In the 2022 Norwegian field trial');
		expectGrounded(findings, DOCUMENTS);
	});

	it("explorer skips a near-duplicate of a passage it already chose", () => {
		const copy = doc("src-copy", "Heat pumps performed well in cold climates during the trial period.");
		const documents = [...DOCUMENTS, copy];
		const { findings } = extractFindings(taskInput({ role: "explorer", documents }));
		const trialLike = findings.filter((finding) => finding.claim.includes("during the trial"));
		expect(trialLike).toHaveLength(1);
		findings.forEach((a, i) => {
			for (const b of findings.slice(i + 1)) {
				const termsA = new Set(tokenize(a.claim));
				const termsB = new Set(tokenize(b.claim));
				const shared = [...termsA].filter((term) => termsB.has(term)).length;
				expect(shared / (termsA.size + termsB.size - shared)).toBeLessThan(0.6);
			}
		});
	});

	it("depth analyst puts the passages dense with figures and units first", () => {
		const { findings } = extractFindings(taskInput({ role: "depth_analyst" }));
		expect(findings[0]?.claim).toMatch(/^In the 2022 Norwegian field trial/);
		for (const finding of findings.slice(0, 3)) expect(finding.claim).toMatch(/\d/);
		expect(findings.filter((finding) => finding.citations[0]?.sourceId === "src-b").length).toBeGreaterThan(
			1,
		);
	});

	it("trend analyst ranks dated and temporal statements before all others", () => {
		const { findings } = extractFindings(taskInput({ role: "trend_analyst" }));
		expect(findings[0]?.claim).toBe(
			"Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030.",
		);
		const temporal = /\b(?:19|20)\d{2}\b|increas|growing|trend|since/i;
		const signals = findings.map((finding) => temporal.test(finding.claim));
		const firstUndated = signals.indexOf(false);
		expect(firstUndated).toBeGreaterThanOrEqual(4);
		expect(signals.slice(firstUndated).every((signal) => !signal)).toBe(true);
	});

	it("trend analyst says so when no relevant passage is dated", () => {
		const documents = [doc("plain", "Heat pumps in cold climates need careful sizing and good insulation.")];
		const { findings, narrative } = extractFindings(taskInput({ role: "trend_analyst", documents }));
		expect(findings).toHaveLength(1);
		expect(narrative).toContain("None of the relevant passages carries a date");
	});

	it("domain expert ranks the definition higher than the explorer does", () => {
		const definition = /^A heat pump is a device/;
		const rankIn = (role: Role) =>
			extractFindings(taskInput({ role })).findings.findIndex((finding) => definition.test(finding.claim));
		expect(rankIn("domain_expert")).toBeGreaterThanOrEqual(0);
		expect(rankIn("domain_expert")).toBeLessThan(rankIn("explorer"));
		expect(rankIn("domain_expert")).toBeLessThanOrEqual(1);
	});

	it("returns at most findingCount findings and gives the best one confidence 0.9", () => {
		const { findings } = extractFindings(taskInput({ role: "explorer", timeShare: 0 }));
		expect(findings).toHaveLength(2);
		expect(findings[0]?.confidence).toBe(0.9);
		expect(findings[1]?.confidence).toBeLessThan(0.9);
		expect(findings[1]?.confidence).toBeGreaterThanOrEqual(0.3);
	});

	it("titles each finding with a label cut from its claim at a clause boundary, without an ellipsis", () => {
		const { findings } = extractFindings(taskInput({ role: "depth_analyst" }));
		expect(findings.map((finding) => finding.title)).toContain(
			"Air-source heat pumps reached a seasonal COP of 2.8",
		);
		for (const finding of findings) expectLabelOf(finding.title, finding.claim);
	});

	it("names the task's question as the sub-question every finding answers", () => {
		const { findings } = extractFindings(taskInput({ role: "explorer" }));
		expect(findings.length).toBeGreaterThan(0);
		for (const finding of findings) expect(finding.subQuestion).toBe(TASK);
	});
});

describe("extractFindings for review roles", () => {
	const trialClaim = quoteFinding("src-b", "Heat pumps performed well in cold climates during the trial.");
	const lonelyClaim = quoteFinding("src-a", "Heat pumps are widely used for space heating in homes.");

	it("verifier corroborates a claim from a source other than the one it cites", () => {
		const upstream = [upstreamOf("explorer", "explorer", [trialClaim, lonelyClaim])];
		const { findings, narrative } = extractFindings(taskInput({ role: "verifier", upstream }));
		expect(findings).toHaveLength(1);
		const [finding] = findings;
		expect(finding?.claim).toBe("Heat pumps performed well in cold climates in several independent studies.");
		expect(finding?.citations.map((citation) => citation.sourceId)).toEqual(["src-d"]);
		expect(finding?.title).toMatch(/^Corroborates: /);
		expect(finding?.confidence).toBeGreaterThan(0.5);
		expect(narrative).toContain("1 of 2 upstream claims are corroborated");
		expect(narrative).toContain('No other source corroborates: [src-a] "Heat pumps are widely used');
		expectGrounded(findings, DOCUMENTS);
	});

	it("verifier never corroborates a claim with the source it already cites", () => {
		const both = quoteFinding(
			"src-d",
			"Heat pumps performed well in cold climates in several independent studies.",
		);
		both.citations.push({ sourceId: "src-b", url: "https://example.org/src-b", quote: trialClaim.claim });
		const { findings } = extractFindings(
			taskInput({ role: "verifier", upstream: [upstreamOf("e", "explorer", [both])] }),
		);
		expect(findings).toEqual([]);
	});

	it("verifier confidence grows with the number of corroborating sources", () => {
		const third = doc("src-e", "Independent studies found heat pumps performed well in cold climates.");
		const upstream = [upstreamOf("explorer", "explorer", [trialClaim])];
		const two = extractFindings(taskInput({ role: "verifier", upstream }));
		const three = extractFindings(
			taskInput({ role: "verifier", upstream, documents: [...DOCUMENTS, third] }),
		);
		expect(three.findings[0]?.citations.length).toBe(2);
		expect(three.findings[0]?.confidence).toBeGreaterThan(two.findings[0]?.confidence ?? 1);
	});

	it("verifier with no upstream claims reports nothing to verify", () => {
		const { findings, narrative } = extractFindings(taskInput({ role: "verifier" }));
		expect(findings).toEqual([]);
		expect(narrative).toContain("No upstream claims");
	});

	it("critic finds the contrast passage and names single-source claims", () => {
		const upstream = [upstreamOf("explorer", "explorer", [trialClaim, lonelyClaim])];
		const { findings, narrative } = extractFindings(taskInput({ role: "critic", upstream }));
		expect(findings[0]?.claim).toBe(
			"However, heat pumps lose efficiency in cold climates and may not cover peak demand without backup heating.",
		);
		expect(findings[0]?.title).toMatch(/^Counterpoint: /);
		for (const finding of findings) {
			expect(finding.claim).toMatch(/\b(?:however|but|although|not|never|limit|risk|despite|fail)/i);
		}
		expect(narrative).toContain('Claims resting on a single source: [src-a] "Heat pumps are widely used');
		expect(narrative).not.toContain('[src-b] "Heat pumps performed well in cold climates during the trial."');
		expectGrounded(findings, DOCUMENTS);
	});

	it("critic reports when no passage carries a contrast", () => {
		const documents = [doc("calm", "Heat pumps in cold climates deliver steady heat all winter long.")];
		const upstream = [upstreamOf("e", "explorer", [quoteFinding("calm", documents[0]?.text ?? "")])];
		const { findings, narrative } = extractFindings(taskInput({ role: "critic", upstream, documents }));
		expect(findings).toEqual([]);
		expect(narrative).toContain("No passage on these topics carries a contrast");
	});
});

describe("extractFindings for the synthesizer", () => {
	const trial = "Heat pumps performed well in cold climates during the trial.";
	const sales = "Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030.";

	it("merges similar findings and ranks claims backed by several agents first", () => {
		const upstream = [
			upstreamOf("explorer", "explorer", [
				quoteFinding("src-c", sales, 0.9),
				quoteFinding("src-b", trial, 0.6),
			]),
			upstreamOf("depth-analyst", "depth_analyst", [quoteFinding("src-b", trial, 0.7)]),
		];
		const { findings, narrative } = extractFindings(taskInput({ role: "synthesizer", upstream }));
		expect(claims(findings)).toEqual([trial, sales]);
		expect(findings[0]?.confidence).toBeCloseTo(0.75, 3);
		expect(findings[0]?.citations).toHaveLength(1);
		expect(narrative).toContain("Merged 3 findings from 2 agents into 2 distinct claims");
		expectGrounded(findings, DOCUMENTS);
	});

	it("drops citations not verbatim in their document and quotes instead of paraphrasing", () => {
		const paraphrase: Finding = {
			title: "Cold performance",
			claim: "Heat pumps do fine when it is cold.",
			confidence: 0.8,
			citations: [
				{ sourceId: "src-b", url: "https://example.org/src-b", quote: "Heat pumps did great in the trial." },
				{ sourceId: "src-b", url: "https://example.org/src-b", quote: trial },
			],
		};
		const invented = quoteFinding("src-a", "Heat pumps never work below zero.");
		const unknownSource = quoteFinding("src-zz", trial);
		const upstream = [upstreamOf("explorer", "explorer", [paraphrase, invented, unknownSource])];
		const { findings, narrative } = extractFindings(taskInput({ role: "synthesizer", upstream }));
		expect(findings).toHaveLength(1);
		expect(findings[0]?.claim).toBe(trial);
		expect(findings[0]?.citations).toEqual([
			{ sourceId: "src-b", url: "https://example.org/src-b", quote: trial },
		]);
		expect(narrative).toContain("2 upstream findings were dropped");
	});

	it("ranks the sources itself when there are no upstream findings", () => {
		const { findings, narrative } = extractFindings(taskInput({ role: "synthesizer" }));
		expect(findings.length).toBeGreaterThan(0);
		expect(narrative).toMatch(/^No upstream findings were available/);
		expectGrounded(findings, DOCUMENTS);
	});
});

describe("revisit tasks", () => {
	it("leave out passages cited upstream and prefer the critic's topics", () => {
		const explorer = extractFindings(taskInput({ role: "explorer", timeShare: 0 }));
		const critic = [
			quoteFinding("src-b", "Installers reported that 35% of units needed a backup heater below -20 °C."),
		];
		const upstream = [
			upstreamOf("explorer", "explorer", explorer.findings),
			upstreamOf("critic", "critic", critic),
		];
		const revisit = extractFindings(taskInput({ role: "explorer", phase: "revisit", upstream }));
		const cited = new Set([...claims(explorer.findings), ...claims(critic)]);
		expect(revisit.findings.length).toBeGreaterThan(0);
		for (const claim of claims(revisit.findings)) expect(cited.has(claim)).toBe(false);
		expect(revisit.narrative).toContain("topics the critic raised were preferred");

		const plain = extractFindings(
			taskInput({ role: "depth_analyst", phase: "revisit", upstream: upstream.slice(0, 1) }),
		);
		const preferred = extractFindings(taskInput({ role: "depth_analyst", phase: "revisit", upstream }));
		const backupRank = (findings: Finding[]) =>
			findings.findIndex((finding) => /without backup heating/.test(finding.claim));
		expect(backupRank(preferred.findings)).toBeLessThan(backupRank(plain.findings));
	});
});

describe("extractFindings on empty or irrelevant input", () => {
	it("returns no findings when there is no source text", () => {
		for (const role of ROLES) {
			const { findings, narrative } = extractFindings(taskInput({ role, documents: [] }));
			expect(findings).toEqual([]);
			expect(narrative).toContain("No source text was available");
		}
	});

	it("returns no findings when nothing matches the task", () => {
		const { findings, narrative } = extractFindings(taskInput({ task: "Quantum chromodynamics of gluons" }));
		expect(findings).toEqual([]);
		expect(narrative).toContain("None of the 11 passages in 4 sources is relevant");
	});
});

const WORDS = [
	"heat",
	"pump",
	"pumps",
	"cold",
	"climate",
	"However,",
	"not",
	"in",
	"2021",
	"3.5",
	"42%",
	"increased",
	"is a",
	"defined as",
	"e.g.",
	"U.S.",
	"efficiency",
	"Norway",
	"the",
	"grid",
];
const sentenceArb = fc
	.array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 18 })
	.chain((words) => fc.constantFrom(".", "!", "?", "", ";").map((end) => `${words.join(" ")}${end}`));
const documentArb = fc
	.array(fc.oneof(sentenceArb, fc.string({ maxLength: 40 })), { minLength: 0, maxLength: 8 })
	.chain((sentences) =>
		fc.constantFrom(" ", "\n", "\n\n", "\n- ").map((separator) => sentences.join(separator)),
	);

/** Runs every role in plan order, feeding each role the findings of those before it. */
function runSwarm(documents: SourceDocument[], task: string): Record<Role, Finding[]> {
	const results: UpstreamResult[] = [];
	const byRole = {} as Record<Role, Finding[]>;
	for (const role of ROLES) {
		const { findings, narrative } = extractFindings(
			taskInput({ role, task, documents, upstream: [...results] }),
		);
		results.push({ taskId: role, role, findings, narrative });
		byRole[role] = findings;
	}
	return byRole;
}

describe("extractFindings invariants", () => {
	it("quotes every claim and citation verbatim from the cited document, for any documents", () => {
		fc.assert(
			fc.property(fc.array(documentArb, { minLength: 1, maxLength: 4 }), (texts) => {
				const documents = texts.map((text, i) => doc(`s${i}`, text));
				const byRole = runSwarm(documents, "heat pump efficiency in cold climate since 2021");
				for (const findings of Object.values(byRole)) {
					expectGrounded(findings, documents);
					for (const finding of findings) expect(finding.subQuestion).toBeDefined();
				}
			}),
			{ numRuns: 60 },
		);
	});

	it("is deterministic", () => {
		expect(runSwarm(DOCUMENTS, TASK)).toEqual(runSwarm(DOCUMENTS, TASK));
	});

	it("answers from the kept corpus exactly as from a fresh one, and never from another text's", () => {
		const input = taskInput({ role: "depth_analyst" });
		extractFindings(input);
		expect(extractFindings(input)).toEqual(selectFindings(buildCorpus(DOCUMENTS), input));
		// The same source records over different texts: the kept corpus must not answer.
		const rewritten = DOCUMENTS.map((document) => ({ ...document, text: TRIAL }));
		const other = taskInput({ role: "depth_analyst", documents: rewritten });
		expect(extractFindings(other)).toEqual(selectFindings(buildCorpus(rewritten), other));
	});

	it("ranks 50 documents of 200 KB in total well under a second", () => {
		const sentences = [BASICS, TRIAL, MARKET, CRITIQUE].join(" ");
		const documents = Array.from({ length: 50 }, (_, i) =>
			doc(`bulk-${i}`, `${sentences} Document ${i} adds topic${i} notes. `.repeat(8).slice(0, 4000)),
		);
		expect(documents.reduce((sum, document) => sum + document.text.length, 0)).toBe(200_000);
		const started = performance.now();
		const { findings } = extractFindings(taskInput({ role: "depth_analyst", documents }));
		expect(performance.now() - started).toBeLessThan(1000);
		expect(findings.length).toBeGreaterThan(0);
	});
});

describe("extractiveProvider.runTurn", () => {
	function turn(signal = new AbortController().signal): AgentTurn {
		const input = taskInput({ role: "explorer" });
		return {
			model: "",
			role: "explorer",
			instructions: "",
			prompt: "",
			input,
			search: { enabled: false, maxUses: 0 },
			tools: null,
			maxOutputTokens: 0,
			timeoutMs: 1_000,
			signal,
		};
	}

	it("returns the extracted findings with zero usage, nothing retrieved and one measured call", async () => {
		const request = turn();
		const result = await extractiveProvider.runTurn(request);
		expect(extractiveProvider.name).toBe("extractive");
		expect(extractiveProvider.supportsNativeSearch("any")).toBe(false);
		expect(AgentOutputSchema.safeParse(result.output).success).toBe(true);
		for (const finding of result.output.findings) expect(FindingSchema.parse(finding)).toEqual(finding);
		expect(result.output).toEqual(extractFindings(request.input));
		expect(result.retrieved).toEqual([]);
		expect(result.usage).toEqual(ZERO_TOKEN_USAGE);
		expect(result.model).toBeNull();
		expect(result.callLatenciesMs).toHaveLength(1);
		expect(result.callLatenciesMs[0]).toBeGreaterThanOrEqual(0);
	});

	it("reports its steps as phases: indexing the sources, ranking the passages, quoting findings", async () => {
		const updates: TurnProgress[] = [];
		const request = { ...turn(), onProgress: (update: TurnProgress) => updates.push(update) };
		const result = await extractiveProvider.runTurn(request);
		const passages = buildCorpus(request.input.documents).passages.length;
		expect(updates).toEqual([
			{ phase: `indexing ${request.input.documents.length} sources` },
			{ phase: `ranking ${passages} passages` },
			{ phase: `quoting ${result.output.findings.length} findings` },
		]);
	});

	it("rejects when the signal is already aborted", async () => {
		const controller = new AbortController();
		controller.abort(new Error("time budget spent"));
		await expect(extractiveProvider.runTurn(turn(controller.signal))).rejects.toThrow("time budget spent");
	});
});

describe("query terms", () => {
	it("come from the task through the same tokenizer as the passages", () => {
		expect(tokenize(TASK)).toEqual(["heat", "pump", "perform", "cold", "climat"]);
	});
});

/** A page as users paste it: navigation, headings, questions, lists, captions, a table, footnotes, boilerplate. */
const MESSY_ARTICLE = [
	"Home › Research › Batteries",
	"",
	"# Capacity fade in lithium-ion cells",
	"",
	"Keywords: lithium-ion; capacity fade; ageing; SEI",
	"",
	"Which degradation mechanism is primarily responsible for capacity fade in lithium-ion cells?",
	"",
	"Growth of the solid electrolyte interphase (SEI) consumes cyclable lithium and is the main cause of capacity fade in lithium-ion cells.[5] " +
		"This loss is fastest in the first hundred cycles (Smith et al., 2019).[6]",
	"",
	"Lithium plating, cracking of cathode particles,[7] and loss of active material also cause capacity fade in lithium-ion cells, e.g. under fast charging.",
	"",
	"## Operating conditions",
	"",
	"- High temperature accelerates capacity fade",
	"- Fast charging at low temperature",
	"* Deep discharge below 2.5 V also accelerates capacity fade in lithium-ion cells.",
	"",
	"Storage at 45 °C accelerated capacity fade in lithium-ion cells to 31 % after 500 cycles in the U.S. study.",
	"Charging lithium-ion cells quickly below 0 °C accelerates capacity fade through lithium plating on the anode.",
	"",
	"Figure 3: Capacity fade of lithium-ion cells versus cycle number at 25 °C and 45 °C.",
	"",
	"| Temperature | Capacity fade after 500 cycles |",
	"|---|---|",
	"| 45 °C | 31 % |",
	"",
	"It is unclear whether",
	"",
	"Highly recommended: our review of capacity fade in lithium-ion cells for fleet operators.",
	"We use cookies to improve your experience; by continuing you accept our use of cookies.",
	"© 2024 Battery News Ltd. All rights reserved.",
	"Read more about capacity fade in lithium-ion cells and how to slow it down.",
].join("\n");
const MESSY_TASK =
	"What mechanisms cause capacity fade in lithium-ion cells, and which operating conditions accelerate it?";
const MESSY_OTHER = doc(
	"other",
	"Independent tests confirm that high temperatures accelerate capacity fade in lithium-ion cells.\n\n" +
		"Capacity fade in lithium-ion cells stored at 45 °C reached 24 % after 500 cycles in a European study.",
);

describe("extractFindings on real-looking documents", () => {
	const documents = [doc("messy", MESSY_ARTICLE), MESSY_OTHER];
	const byRole = runSwarm(documents, MESSY_TASK);

	it("quotes only complete declarative sentences: no heading, question, list bullet, caption, table or boilerplate", () => {
		const kindsBySource = new Map(
			documents.map((document) => [document.source.id, segmentText(document.text)]),
		);
		for (const [role, findings] of Object.entries(byRole)) {
			expectGrounded(findings, documents);
			for (const finding of findings) {
				for (const citation of finding.citations) {
					const text = documents.find((document) => document.source.id === citation.sourceId)?.text ?? "";
					const start = text.indexOf(citation.quote);
					const end = start + citation.quote.length;
					const covering = (kindsBySource.get(citation.sourceId) ?? []).filter(
						(segment) => segment.end > start && segment.start < end,
					);
					expect(covering.length, `${role}: ${citation.quote}`).toBeGreaterThan(0);
					for (const segment of covering) {
						// A list item's sentence may be quoted, without the item's marker.
						const kind = segment.kind === "list-item" && segment.start < start ? "sentence" : segment.kind;
						expect(kind, `${role}: ${citation.quote}`).toBe("sentence");
					}
				}
				expect(finding.claim, role).toMatch(/^[\p{Lu}\p{N}]/u);
				expect(finding.claim, role).toMatch(/[.!]$/u);
				expect(finding.claim, role).not.toMatch(/\[\d+\]$|\?$|…$|^[-*] |^Keywords|cookies|rights reserved/u);
			}
		}
	});

	it("joins a sentence that opens with 'This' to the sentence it refers to", () => {
		const all = Object.values(byRole).flat();
		const sei = all.find((finding) => finding.claim.startsWith("Growth of the solid electrolyte interphase"));
		expect(sei?.claim).toBe(
			"Growth of the solid electrolyte interphase (SEI) consumes cyclable lithium and is the main cause of capacity fade in lithium-ion cells.[5] " +
				"This loss is fastest in the first hundred cycles (Smith et al., 2019).",
		);
		expect(all.some((finding) => /^This loss/u.test(finding.claim))).toBe(false);
	});

	it("titles every finding with a label of its claim, never cut with an ellipsis", () => {
		for (const findings of Object.values(byRole)) {
			for (const finding of findings) {
				expect(finding.title).not.toContain("…");
				if (!finding.title.startsWith("Corroborates: ")) expectLabelOf(finding.title, finding.claim);
			}
		}
	});

	it("answers every sub-question in each ranking role and in the synthesis", () => {
		const questions = subQuestionsOf(MESSY_TASK).map((question) => question.text);
		expect(questions).toHaveLength(2);
		for (const role of [
			"explorer",
			"depth_analyst",
			"trend_analyst",
			"domain_expert",
			"synthesizer",
		] as const) {
			const answered = new Set(byRole[role].map((finding) => finding.subQuestion));
			for (const question of questions) expect(answered, `${role}: ${question}`).toContain(question);
		}
		const conditions = byRole.explorer.filter((finding) => finding.subQuestion === questions[1]);
		for (const finding of conditions) expect(finding.claim).toMatch(/accelerat|operat|condition/u);
		// The sentence of a list item answers too, quoted without its marker.
		expect(
			Object.values(byRole)
				.flat()
				.map((finding) => finding.claim),
		).toContain("Deep discharge below 2.5 V also accelerates capacity fade in lithium-ion cells.");
	});

	it("says which sub-questions nothing in the sources addresses", () => {
		const documents = [
			doc("only", "Growth of the SEI layer is the main cause of capacity fade in lithium-ion cells."),
		];
		const { findings, narrative } = extractFindings(
			taskInput({ role: "explorer", task: MESSY_TASK, documents }),
		);
		expect(findings).toHaveLength(1);
		expect(narrative).toContain("No passage addresses Q2.");
	});

	it("quotes a passage on none of the facets' own words when every facet narrows the task", () => {
		const task = "Which refrigerants suit cold climates? Which compressors suit cold climates?";
		const questions = subQuestionsOf(task).map((question) => question.text);
		const general = "Heat pumps lose a third of their capacity at -20 °C in cold climates.";
		const documents = [
			doc("a", "Propane refrigerants suit cold climates well because of their high temperature lift."),
			doc("b", "Variable-speed compressors suit cold climates and keep capacity up in frost."),
			doc("c", general),
		];
		for (const role of ["explorer", "depth_analyst"] as const) {
			const { findings } = extractFindings(taskInput({ role, task, documents }));
			const quoted = findings.find((finding) => finding.claim === general);
			expect(quoted?.subQuestion, role).toBeDefined();
			expect(questions).toContain(quoted?.subQuestion);
		}
	});

	it("gives every sub-question a finding even when the role's count is smaller", () => {
		const { findings } = extractFindings(
			taskInput({ role: "explorer", task: MESSY_TASK, documents, timeShare: 0 }),
		);
		expect(new Set(findings.map((finding) => finding.subQuestion)).size).toBe(2);
	});
});

describe("verifier relations", () => {
	const measured = "Storage at 45 °C raised capacity fade in lithium-ion cells to 31 % after 500 cycles.";
	const claimOf = (sourceId: string, quote: string) => [
		upstreamOf("depth", "depth_analyst", [quoteFinding(sourceId, quote)]),
	];
	const verifyAgainst = (other: string) =>
		extractFindings(
			taskInput({
				role: "verifier",
				task: MESSY_TASK,
				documents: [doc("first", measured), doc("second", other)],
				upstream: claimOf("first", measured),
			}),
		);

	it("does not count a different value for the same quantity as corroboration (31 % vs 24 %)", () => {
		const { findings, narrative } = verifyAgainst(
			"Storage at 45 °C raised capacity fade in lithium-ion cells to 24 % after 500 cycles.",
		);
		expect(findings).toEqual([]);
		expect(narrative).toContain("0 of 1 upstream claims are corroborated");
	});

	it("counts the same value in the same unit, however it is written, as corroboration", () => {
		const { findings } = verifyAgainst(
			"In a second lab, storage at 45 °C raised capacity fade in lithium-ion cells to 31 percent after 500 cycles.",
		);
		expect(findings).toHaveLength(1);
		expect(findings[0]?.citations.map((citation) => citation.sourceId)).toEqual(["second"]);
		expect(findings[0]?.title).toBe(
			"Corroborates: Storage at 45 °C raised capacity fade in lithium-ion cells",
		);
	});

	it("does not count a passage that omits the claim's figure as corroboration", () => {
		const { findings } = verifyAgainst(
			"Storage at 45 °C raised capacity fade in lithium-ion cells after 500 cycles.",
		);
		expect(findings).toEqual([]);
	});

	it("does not count an unrelated sentence that shares some words as corroboration", () => {
		const claim = "Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030.";
		const { findings } = extractFindings(
			taskInput({
				role: "verifier",
				documents: [
					doc("sales", claim),
					doc(
						"installers",
						"Heat pumps in Europe are sold mostly by small installers and increasingly online.",
					),
				],
				upstream: claimOf("sales", claim),
			}),
		);
		expect(findings).toEqual([]);
	});

	it("does not count the negated statement as corroboration", () => {
		const claim = "Heat pumps performed well in cold climates during the trial.";
		const { findings } = extractFindings(
			taskInput({
				role: "verifier",
				documents: [
					doc("a", claim),
					doc("b", "Heat pumps did not perform well in cold climates during the trial."),
				],
				upstream: claimOf("a", claim),
			}),
		);
		expect(findings).toEqual([]);
	});

	it("carries the sub-question of the claim it corroborates", () => {
		const finding = {
			...quoteFinding("first", measured),
			subQuestion: "Which operating conditions accelerate it?",
		};
		const { findings } = extractFindings(
			taskInput({
				role: "verifier",
				task: MESSY_TASK,
				documents: [
					doc("first", measured),
					doc(
						"second",
						"Elsewhere, storage at 45 °C raised capacity fade in lithium-ion cells to 31 % after 500 cycles.",
					),
				],
				upstream: [upstreamOf("depth", "depth_analyst", [finding])],
			}),
		);
		expect(findings[0]?.subQuestion).toBe("Which operating conditions accelerate it?");
	});
});

describe("a job over the sample sources", () => {
	const documents = SAMPLE_SOURCES.map((sample, i) => doc(`sample-${i}`, sample.text));
	const task = "How do heat pumps perform in cold climates, and what limits their adoption?";

	it("answers both sub-questions, quickly", () => {
		runSwarm(documents, task);
		const started = performance.now();
		const byRole = runSwarm(documents, task);
		expect(performance.now() - started).toBeLessThan(250);
		const questions = subQuestionsOf(task).map((question) => question.text);
		for (const role of ["explorer", "depth_analyst", "synthesizer"] as const) {
			expect(new Set(byRole[role].map((finding) => finding.subQuestion))).toEqual(new Set(questions));
		}
		const limits = byRole.explorer.filter((finding) => finding.subQuestion === questions[1]);
		expect(limits.map((finding) => finding.claim)).toContain("Electricity prices remain the main barrier.");
	});
});
