/**
 * Checks free text (an agent's narrative, a summary) sentence by sentence against the job's supported
 * findings, the way a finding's claim is checked against its quotes: a sentence stands only when the
 * verbatim quotes of the findings it is about support it (`checkSupport`), and it then carries the
 * labels of the sources those findings cite. Source labels the writer put in the text are removed
 * first, so a label can never point at a source that was not checked for that sentence. Pure.
 */
import { checkSupport } from "../evidence/support";
import { tokenize } from "../providers/text";
import type { SupportVerdict } from "./types";

/** Findings a sentence is checked against: the ones sharing the most content words with it. */
export const NARRATIVE_CANDIDATES = 4;
/** Share of a sentence's words a finding's quotes must hold to be cited for a sentence several support. */
export const CONTRIBUTING_COVERAGE = 0.25;

/** A supported finding as narrative checking sees it. */
export type EvidenceFinding = {
	id: string;
	claim: string;
	/** The snapshot text of its verbatim quotes. */
	evidence: string[];
	/** Labels of the sources of those quotes (S1…Sn). */
	sources: string[];
};

export type CheckedSentence = {
	/** The sentence without any source labels its writer gave it. */
	text: string;
	verdict: SupportVerdict;
	reason: string;
	/** Findings whose quotes were checked against the sentence, best match first; empty when none. */
	findingIds: string[];
	/** Labels of those findings' sources, in the order the findings give them; empty unless supported. */
	sources: string[];
	/** Uncited findings whose claims hold everything the sentence says; empty unless it is unsupported. */
	uncitedFindingIds: string[];
};

// "[S3]", "[S1, S4]", "(S2)", "[3]", "【S1】": source labels a writer attached to a sentence. Only S-labels and
// bare numbers in brackets count; "(CO2)" or "(H2CO3)" are words of the sentence and stay.
const WRITTEN_LABELS =
	/\s*(?:[[【]\s*S?\d+(?:\s*[,;–-]\s*S?\d+)*\s*[\]】]|\(\s*S\d+(?:\s*[,;–-]\s*S\d+)*\s*\))/gu;

/**
 * Splits text into sentences with `Intl.Segmenter`, written labels removed, blanks dropped.
 * @example narrativeSentences("Defrost costs energy [S2]. It also stops heating.")
 * // ["Defrost costs energy.", "It also stops heating."]
 */
export function narrativeSentences(text: string): string[] {
	const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
	return Array.from(segmenter.segment(text.replace(/\s+/g, " ")), (part) =>
		part.segment
			.replace(WRITTEN_LABELS, "")
			.replace(/\s+([.,;:!?])/g, "$1")
			.trim(),
	).filter((sentence) => /\p{L}/u.test(sentence));
}

/** A finding that carries no citation in a job that did not require citations. */
export type UncitedFinding = { id: string; claim: string };

/**
 * Checks each sentence of `text` against the findings it shares most content words with. A sentence
 * the supported findings leave unsupported is then held against the `uncited` findings' claims by the
 * same rules: when they hold everything it says, it names them in `uncitedFindingIds` and the report
 * labels it uncited (never supported: no source was checked for it).
 * @example checkNarrative("Cold weather lowers COP [S9].", findings, [])[0].sources // ["S1"], whatever the writer said
 */
export function checkNarrative(
	text: string,
	findings: readonly EvidenceFinding[],
	uncited: readonly UncitedFinding[],
): CheckedSentence[] {
	const supported = profilesOf(findings);
	const restated = profilesOf(
		uncited.map(({ id, claim }) => ({ id, claim, evidence: [claim], sources: [] })),
	);
	return narrativeSentences(text).map((sentence) => {
		const result = checkSentence(sentence, supported);
		const uncitedFindingIds =
			result.verdict === "unsupported" && restated.length > 0
				? checkSentence(sentence, restated).cited.map((finding) => finding.id)
				: [];
		return {
			text: sentence,
			verdict: result.verdict,
			reason: result.reason,
			findingIds: result.candidates.map((finding) => finding.id),
			sources: [...new Set(result.cited.flatMap((finding) => finding.sources))],
			uncitedFindingIds,
		};
	});
}

type Profile = { finding: EvidenceFinding; words: ReadonlySet<string> };

function profilesOf(findings: readonly EvidenceFinding[]): Profile[] {
	return findings.map((finding) => ({
		finding,
		words: new Set(tokenize(`${finding.claim} ${finding.evidence.join(" ")}`)),
	}));
}

/** One sentence against the findings it shares most words with: its verdict and the findings that back it. */
function checkSentence(
	sentence: string,
	profiles: readonly Profile[],
): { verdict: SupportVerdict; reason: string; candidates: EvidenceFinding[]; cited: EvidenceFinding[] } {
	const words = tokenize(sentence);
	const ranked = profiles
		.map((profile) => ({ ...profile, shared: words.filter((word) => profile.words.has(word)).length }))
		.filter((profile) => profile.shared > 0)
		.sort((a, b) => b.shared - a.shared);
	const candidates = ranked.slice(0, NARRATIVE_CANDIDATES).map((profile) => profile.finding);
	// A sentence that one related quote supports may still reverse another ("decreasing" where a
	// source says "increasing"): every quote about the same thing gets a say before it stands.
	const related = ranked.filter((profile) => profile.shared * 2 >= words.length);
	const reversal = related
		.flatMap((profile) => profile.finding.evidence)
		.map((quote) => checkSupport(sentence, [quote]))
		.find((check) => check.verdict === "contradicted");
	const result =
		reversal ??
		checkSupport(
			sentence,
			candidates.flatMap((finding) => finding.evidence),
		);
	// Cite the findings that back the sentence on their own; when only their union does, the ones
	// that carry a fair share of its words and do not contradict it, never one that merely shares a word or two.
	const checks = candidates.map((finding) => ({
		finding,
		check: checkSupport(sentence, finding.evidence),
	}));
	const alone = checks.filter(({ check }) => check.verdict === "supported");
	const contributing = checks.filter(
		({ check }) => check.coverage >= CONTRIBUTING_COVERAGE && check.verdict !== "contradicted",
	);
	const cited =
		result.verdict !== "supported"
			? []
			: (alone.length > 0 ? alone : contributing).map(({ finding }) => finding);
	return {
		verdict: result.verdict,
		reason: candidates.length === 0 ? "no supported finding is about this sentence" : result.reason,
		candidates,
		cited,
	};
}
