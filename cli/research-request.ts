/** From the `research` command's flags to a validated `POST /v1/research` body, and report format names. */
import { InvalidArgumentError } from "commander";
import { formatOfExtension } from "../src/lib/report-formats.ts";
import {
	type Metadata,
	type ReportFormat,
	ReportFormatSchema,
	type ResearchRequest,
	ResearchRequestSchema,
	type SourceInput,
} from "../src/protocol.ts";
import { CliError, EXIT } from "./errors.ts";

/** The `research` flags as commander parses them; the request schema checks the values. */
export type ResearchFlags = {
	depth?: number;
	time?: number;
	focus?: string;
	antiHallucination?: string;
	/** False only with `--no-citations`. */
	citations?: boolean;
	singleAgent?: boolean;
	swarmSize?: number;
	maxConcurrent?: number;
	provider?: string;
	model?: string;
	/** True with `--cost-optimize`. */
	costOptimize?: boolean;
	mode?: string;
	maxSubgoals?: number;
	budget?: number;
	format?: ReportFormat[];
	callbackUrl?: string;
	/** From the repeatable `--metadata key=value`. */
	metadata?: Metadata;
};

/** A request body before validation: every field of the request, of any type. */
export type RequestCandidate = { [Field in keyof ResearchRequest]?: unknown };

/** The report format a command-line name stands for: a format's own name or its file extension. */
function formatNamed(name: string): ReportFormat | null {
	const format = ReportFormatSchema.safeParse(name);
	return format.success ? format.data : formatOfExtension(name);
}

/** The flag (or argument) each request field comes from, so validation issues name what the user typed. */
export const FLAG_FOR_FIELD: Record<keyof ResearchRequest, string> = {
	task: "<task>",
	depth: "--depth",
	timeMinutes: "--time",
	swarmSize: "--swarm-size",
	singleAgent: "--single-agent",
	maxConcurrent: "--max-concurrent",
	focus: "--focus",
	antiHallucination: "--anti-hallucination",
	citations: "--no-citations",
	provider: "--provider",
	model: "--model",
	mode: "--mode",
	maxSubgoals: "--max-subgoals",
	costOptimize: "--cost-optimize",
	budgetUsd: "--budget",
	sources: "--source",
	formats: "--format",
	callbackUrl: "--callback-url",
	metadata: "--metadata",
};

/**
 * Parses a comma-separated list of report formats (commander argument parser).
 * @example parseFormats("md,html") // ["markdown", "html"]
 */
export function parseFormats(value: string): ReportFormat[] {
	const names = value
		.split(",")
		.map((name) => name.trim().toLowerCase())
		.filter(Boolean);
	const formats = names.map(formatNamed);
	if (names.length === 0 || formats.includes(null)) {
		throw new InvalidArgumentError(`expected a comma-separated list of md, json, html; got "${value}"`);
	}
	return [...new Set(formats.filter((format) => format !== null))];
}

/** Parses a whole number (commander argument parser); ranges are the request schema's business. */
export function parseWholeNumber(value: string): number {
	if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number");
	return Number(value);
}

/** Parses a decimal number (commander argument parser). */
export function parseDecimal(value: string): number {
	const number = Number(value);
	if (value.trim() === "" || !Number.isFinite(number)) throw new InvalidArgumentError("expected a number");
	return number;
}

/**
 * Adds one `--metadata key=value` to the ones before it (commander argument parser). The value is a
 * number, `true`, `false` or `null` when it reads as one in JSON, and text otherwise.
 * @example parseMetadata("ticket=4711", { team: "heat" }) // { team: "heat", ticket: 4711 }
 */
export function parseMetadata(value: string, previous: Metadata | undefined): Metadata {
	const separator = value.indexOf("=");
	if (separator < 1) throw new InvalidArgumentError(`expected key=value; got "${value}"`);
	const text = value.slice(separator + 1);
	const typed = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)$/.test(text)
		? (JSON.parse(text) as boolean | number | null)
		: text;
	return { ...previous, [value.slice(0, separator)]: typed };
}

/** The request body the flags ask for; flags not given are left out so the service's defaults apply. */
export function researchRequestFrom(
	task: string,
	flags: ResearchFlags,
	sources: SourceInput[],
): RequestCandidate {
	const candidate: RequestCandidate = {
		task,
		depth: flags.depth,
		timeMinutes: flags.time,
		focus: flags.focus,
		antiHallucination: flags.antiHallucination,
		citations: flags.citations === false ? false : undefined,
		singleAgent: flags.singleAgent ? true : undefined,
		swarmSize: flags.swarmSize,
		maxConcurrent: flags.maxConcurrent,
		provider: flags.provider,
		model: flags.model,
		costOptimize: flags.costOptimize ? true : undefined,
		mode: flags.mode,
		maxSubgoals: flags.maxSubgoals,
		budgetUsd: flags.budget,
		formats: flags.format,
		callbackUrl: flags.callbackUrl,
		metadata: flags.metadata,
		sources: sources.length > 0 ? sources : undefined,
	};
	return Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined));
}

/** Validates a request body with the API's own schema; a bad one is a usage error listing each issue by flag. */
export function validateResearchRequest(candidate: RequestCandidate): ResearchRequest {
	const parsed = ResearchRequestSchema.safeParse(candidate);
	if (parsed.success) return parsed.data;
	const issues = parsed.error.issues.map((issue) => {
		const [field, ...rest] = issue.path.map(String);
		const flag = FLAG_FOR_FIELD[field as keyof ResearchRequest] ?? field ?? "request";
		return `  ${flag}${rest.length > 0 ? ` [${rest.join(".")}]` : ""}: ${issue.message}`;
	});
	throw new CliError(`invalid research request:\n${issues.join("\n")}`, EXIT.usage);
}
