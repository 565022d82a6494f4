import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding, Role, UpstreamResult } from "../../../src/protocol";
import { ROLES } from "../../../src/protocol";
import {
	buildCorpus,
	extractFindings,
	extractiveProvider,
	findingCount,
	selectFindings,
} from "../../../src/providers/extractive";
import { tokenize } from "../../../src/providers/text";
import {
	AgentOutputSchema,
	type AgentTaskInput,
	type AgentTurn,
	type SourceDocument,
	ZERO_TOKEN_USAGE,
} from "../../../src/providers/types";
import { testConfig } from "../../fixtures/agent-context";

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
	it("is round(2 + depth · timeShare · 6), clamped to [2, 12]", () => {
		expect(findingCount(5, 0.25)).toBe(10);
		expect(findingCount(3, 0.2)).toBe(6);
		expect(findingCount(1, 0)).toBe(2);
		expect(findingCount(10, 1)).toBe(12);
	});
});

describe("extractFindings for ranking roles", () => {
	it("explorer covers every relevant source before taking a second passage from any", () => {
		const { findings, narrative } = extractFindings(taskInput({ role: "explorer" }));
		const firstRound = findings.slice(0, 4).map((finding) => finding.citations[0]?.sourceId);
		expect(new Set(firstRound).size).toBe(4);
		expect(findings[0]?.claim).toBe("Heat pumps performed well in cold climates during the trial.");
		expect(narrative).toContain('[src-b] "Heat pumps performed well in cold climates during the trial."');
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

	it("titles each finding with the start of its passage, cut at a word boundary", () => {
		const { findings } = extractFindings(taskInput({ role: "explorer" }));
		for (const finding of findings) {
			expect(finding.title.length).toBeLessThanOrEqual(80);
			const stem = finding.title.endsWith("…") ? finding.title.slice(0, -1) : finding.title;
			expect(finding.claim.startsWith(stem)).toBe(true);
		}
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
		const backupRank = (findings: Finding[]) => findings.findIndex((finding) => /backup/.test(finding.claim));
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
				for (const findings of Object.values(byRole)) expectGrounded(findings, documents);
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
		expect(AgentOutputSchema.parse(result.output)).toEqual(result.output);
		expect(result.output).toEqual(extractFindings(request.input));
		expect(result.retrieved).toEqual([]);
		expect(result.usage).toEqual(ZERO_TOKEN_USAGE);
		expect(result.model).toBeNull();
		expect(result.callLatenciesMs).toHaveLength(1);
		expect(result.callLatenciesMs[0]).toBeGreaterThanOrEqual(0);
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
