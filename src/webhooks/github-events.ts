/**
 * GitHub events that start research, the job metadata that remembers where a job came from, and the
 * comment that reports back. Pure.
 *
 * A job starts on an `issues` event that adds the tenant's label (or opens an issue already carrying
 * it), and on a new `issue_comment` whose body starts with `/research`: the text after the command is the
 * task, or the issue's title and body when the command stands alone.
 */
import { z } from "zod";
import { LIMITS, type Metadata, type OutboundJobEvent } from "../protocol";

/** The comment command that starts research. */
export const RESEARCH_COMMAND = "/research";

/** Longest executive summary quoted in a comment, in characters. */
export const COMMENT_SUMMARY_CHARS = 4000;

const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

const LabelSchema = z.object({ name: z.string() });
const IssueSchema = z.object({
	number: z.int().positive(),
	title: z.string(),
	body: z.string().nullish(),
	labels: z.array(LabelSchema).default([]),
});
const RepositorySchema = z.object({ full_name: z.string().regex(REPOSITORY_PATTERN) });

const IssuesEventSchema = z.object({
	action: z.string(),
	label: LabelSchema.optional(),
	issue: IssueSchema,
	repository: RepositorySchema,
});

const IssueCommentEventSchema = z.object({
	action: z.string(),
	comment: z.object({
		id: z.int().positive(),
		body: z.string(),
		user: z.object({ type: z.string() }).optional(),
	}),
	issue: IssueSchema,
	repository: RepositorySchema,
});

/**
 * What to do with a GitHub event. A trigger carries `event`, what the signed body identifies: GitHub
 * does not sign `X-GitHub-Delivery`, so a replayed body under a new delivery id is recognised by it.
 */
export type GithubTrigger =
	| { start: true; task: string; repository: string; issue: number; event: string }
	| { start: false; reason: string };

function sameLabel(a: string, b: string): boolean {
	// GitHub label names are unique regardless of case.
	return a.toLowerCase() === b.toLowerCase();
}

function issueText(issue: z.infer<typeof IssueSchema>): string {
	return [issue.title.trim(), (issue.body ?? "").trim()].filter((part) => part !== "").join("\n\n");
}

/**
 * The identity of a triggering event: repository, issue, event and action, and what the action was about
 * (the label applied, or the comment's id).
 *
 * @example
 * githubEventKey("octo/repo", 7, "issue_comment.created", "comment:4242") // → "octo/repo#7:issue_comment.created:comment:4242"
 */
export function githubEventKey(repository: string, issue: number, event: string, subject: string): string {
	return `${repository}#${issue}:${event}:${subject}`;
}

function started(text: string, repository: string, issue: number, event: string): GithubTrigger {
	const task = text.trim().slice(0, LIMITS.taskChars).trim();
	if (task === "") return { start: false, reason: "the issue has no text to research" };
	return { start: true, task, repository, issue, event };
}

/**
 * Decides whether a GitHub event (`X-GitHub-Event` name and parsed body) starts research for a tenant
 * whose trigger label is `label`.
 *
 * @example
 * githubTrigger("issue_comment", { action: "created", comment: { body: "/research heat pumps" }, issue, repository }, "research")
 * // → { start: true, task: "heat pumps", repository: "octo/repo", issue: 7, event: "octo/repo#7:issue_comment.created:comment:4242" }
 */
export function githubTrigger(eventName: string, payload: unknown, label: string): GithubTrigger {
	if (eventName === "issues") {
		const event = IssuesEventSchema.safeParse(payload);
		if (!event.success) return { start: false, reason: "not a recognisable issues event" };
		const { action, issue, repository } = event.data;
		const labeled =
			(action === "labeled" && event.data.label !== undefined && sameLabel(event.data.label.name, label)) ||
			(action === "opened" && issue.labels.some((candidate) => sameLabel(candidate.name, label)));
		if (!labeled) return { start: false, reason: `issue event is not the "${label}" label being applied` };
		const key = githubEventKey(
			repository.full_name,
			issue.number,
			`issues.${action}`,
			`label:${label.toLowerCase()}`,
		);
		return started(issueText(issue), repository.full_name, issue.number, key);
	}
	if (eventName === "issue_comment") {
		const event = IssueCommentEventSchema.safeParse(payload);
		if (!event.success) return { start: false, reason: "not a recognisable issue_comment event" };
		const { action, comment, issue, repository } = event.data;
		if (action !== "created") return { start: false, reason: "only new comments start research" };
		if (comment.user?.type === "Bot") return { start: false, reason: "comments by bots are ignored" };
		const text = comment.body.trimStart();
		const command = new RegExp(`^${RESEARCH_COMMAND}(?:\\s|$)`);
		if (!command.test(text))
			return { start: false, reason: `the comment does not start with ${RESEARCH_COMMAND}` };
		const question = text.slice(RESEARCH_COMMAND.length).trim();
		const key = githubEventKey(
			repository.full_name,
			issue.number,
			`issue_comment.${action}`,
			`comment:${comment.id}`,
		);
		return started(question === "" ? issueText(issue) : question, repository.full_name, issue.number, key);
	}
	return { start: false, reason: `${eventName} events do not start research` };
}

/** Where a GitHub-started job reports back. */
export type GithubOrigin = { repository: string; issue: number; apiOrigin: string };

/** The job metadata that marks a job as started from a GitHub issue. */
export function githubJobMetadata(origin: GithubOrigin, deliveryId: string): Metadata {
	return {
		source: "github",
		githubRepository: origin.repository,
		githubIssue: origin.issue,
		githubDelivery: deliveryId,
		apiOrigin: origin.apiOrigin,
	};
}

const GithubMetadataSchema = z.object({
	source: z.literal("github"),
	githubRepository: z.string().regex(REPOSITORY_PATTERN),
	githubIssue: z.int().positive(),
	apiOrigin: z.url({ protocol: /^https?$/ }),
});

/** The GitHub origin recorded in a job's metadata, or null when the job did not come from GitHub. */
export function githubOriginOf(metadata: unknown): GithubOrigin | null {
	const parsed = GithubMetadataSchema.safeParse(metadata);
	if (!parsed.success) return null;
	return {
		repository: parsed.data.githubRepository,
		issue: parsed.data.githubIssue,
		apiOrigin: new URL(parsed.data.apiOrigin).origin,
	};
}

/** The GitHub API URL that creates a comment on the origin's issue. */
export function issueCommentsUrl(origin: GithubOrigin): string {
	return `https://api.github.com/repos/${origin.repository}/issues/${origin.issue}/comments`;
}

/**
 * Text from fetched sources goes into a public comment: break `@mentions` (so nobody is pinged) and
 * quote every line.
 */
function quoted(text: string): string {
	return text
		.replaceAll("@", "@\u2060")
		.split("\n")
		.map((line) => `> ${line}`)
		.join("\n");
}

/**
 * The comment posted on the issue when its job ends: the executive summary and the report link when it
 * completed, the reason when it failed.
 */
export function githubComment(
	event: Pick<OutboundJobEvent, "type" | "jobId">,
	origin: GithubOrigin,
	summary: string | null,
	error: string | null,
): string {
	const reportUrl = `${origin.apiOrigin}/v1/research/${event.jobId}/report?format=html`;
	if (event.type === "job.completed") {
		const text = (summary ?? "").trim();
		const excerpt = text.length > COMMENT_SUMMARY_CHARS ? `${text.slice(0, COMMENT_SUMMARY_CHARS)}…` : text;
		return [
			`**Research completed** (job \`${event.jobId}\`)`,
			excerpt === "" ? "The report has no executive summary." : quoted(excerpt),
			`Full report: ${reportUrl}`,
		].join("\n\n");
	}
	if (event.type === "job.failed") {
		return [`**Research failed** (job \`${event.jobId}\`)`, quoted(error ?? "no reason was recorded")].join(
			"\n\n",
		);
	}
	return `**Research cancelled** (job \`${event.jobId}\`)`;
}
