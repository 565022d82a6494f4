/**
 * The provenance of a report: every finding the agents made (after merging), its support verdict, and
 * for each quote the source, the snapshot's SHA-256, the character offsets in the snapshot and when it
 * was retrieved. With the snapshots (`evidence/{tenant}/{sha256}` in R2, or the sources themselves)
 * anyone can re-check every verdict without trusting the service. Pure.
 */
import { z } from "@hono/zod-openapi";
import type { SourceRecord } from "../protocol";
import { CitationCheckSchema, SnapshotSpanSchema, SupportSchema } from "./report-schema";
import type { Aggregation } from "./types";

/** Bumped whenever a field is renamed, removed or changes meaning. */
export const PROVENANCE_SCHEMA_VERSION = 1;

export const ProvenanceQuoteSchema = z.object({
	sourceId: z.string().describe("The source's label, S1…Sn, as in the report."),
	url: z.string().nullable().describe("URL the agent cited, as given."),
	agentQuote: z.string().describe("The quote as the agent wrote it."),
	check: CitationCheckSchema,
	sha256: z.string().nullable().describe("SHA-256 of the snapshot the quote was checked against."),
	spans: z
		.array(SnapshotSpanSchema)
		.describe("Offsets of the matched (verbatim) or nearest (altered) passage in that snapshot."),
	sourceText: z.string().nullable().describe("The snapshot's own text at those offsets."),
	retrievedAt: z.number().nullable().describe("When the snapshot was stored, ms since the epoch."),
});

export const ProvenanceSchema = z
	.object({
		schemaVersion: z.literal(PROVENANCE_SCHEMA_VERSION),
		jobId: z.string(),
		generatedAt: z.number().describe("Completion time of the job, ms since the epoch."),
		sources: z
			.array(
				z.object({
					id: z.string().describe("Label S1…Sn."),
					title: z.string(),
					url: z.string().nullable(),
					status: z.enum(["retrieved", "unreachable"]),
					sha256: z.string().nullable(),
					bytes: z.int().nonnegative(),
					retrievedAt: z.number(),
				}),
			)
			.describe("Every source of the job."),
		findings: z
			.array(
				z.object({
					id: z.string().describe("Finding id, as in the report."),
					claim: z.string(),
					support: SupportSchema,
					agents: z.array(z.string()).describe("Task ids of the agents that made it."),
					quotes: z.array(ProvenanceQuoteSchema),
				}),
			)
			.describe(
				"Every finding after merging, whether or not the report body shows it, except uncited ones: they carry no quote to re-check.",
			),
	})
	.openapi("Provenance");
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * The provenance record of a finished job.
 * @example buildProvenance({ jobId, generatedAt, sources, aggregation }).findings[0].quotes[0].spans
 * // [{ start: 120, end: 188 }]
 */
export function buildProvenance(input: {
	jobId: string;
	generatedAt: number;
	sources: SourceRecord[];
	aggregation: Aggregation;
}): Provenance {
	const retrievedAt = new Map(input.sources.map((source) => [source.id, source.retrievedAt]));
	return ProvenanceSchema.parse({
		schemaVersion: PROVENANCE_SCHEMA_VERSION,
		jobId: input.jobId,
		generatedAt: input.generatedAt,
		sources: input.sources.map(({ id, title, url, status, sha256, bytes, retrievedAt }) => ({
			id,
			title,
			url,
			status,
			sha256,
			bytes,
			retrievedAt,
		})),
		findings: input.aggregation.findings
			.filter((finding) => !finding.uncited)
			.map((finding) => ({
				id: finding.id,
				claim: finding.claim,
				support: finding.support,
				agents: finding.supportingAgents.map((agent) => agent.taskId),
				quotes: finding.citations.map((citation) => ({
					sourceId: citation.sourceId,
					url: citation.url,
					agentQuote: citation.quote,
					check: citation.check,
					sha256: citation.sha256,
					spans: citation.spans,
					sourceText: citation.sourceText,
					retrievedAt: citation.sha256 === null ? null : (retrievedAt.get(citation.sourceId) ?? null),
				})),
			})),
	});
}
