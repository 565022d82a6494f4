import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../src/protocol";
import {
	COMMENT_SUMMARY_CHARS,
	githubComment,
	githubJobMetadata,
	githubOriginOf,
	githubTrigger,
	issueCommentsUrl,
} from "../../../src/webhooks/github-events";

const repository = { full_name: "octo/heat-pumps" };
const issue = {
	number: 7,
	title: "Cold-climate heat pumps",
	body: "How do they perform below -20 °C?",
	labels: [{ name: "question" }],
};

describe("githubTrigger on issues events", () => {
	it("starts research on the issue's title and body when the label is added (any case)", () => {
		const event = { action: "labeled", label: { name: "Research" }, issue, repository };
		expect(githubTrigger("issues", event, "research")).toEqual({
			start: true,
			task: "Cold-climate heat pumps\n\nHow do they perform below -20 °C?",
			repository: "octo/heat-pumps",
			issue: 7,
			event: "octo/heat-pumps#7:issues.labeled:label:research",
		});
	});

	it("starts research on an issue opened with the label, and on a title alone", () => {
		const labeled = { ...issue, body: null, labels: [{ name: "research" }] };
		expect(
			githubTrigger("issues", { action: "opened", issue: labeled, repository }, "research"),
		).toMatchObject({
			start: true,
			task: "Cold-climate heat pumps",
		});
	});

	it("ignores other labels and actions", () => {
		const other = { action: "labeled", label: { name: "bug" }, issue, repository };
		expect(githubTrigger("issues", other, "research").start).toBe(false);
		expect(githubTrigger("issues", { action: "opened", issue, repository }, "research").start).toBe(false);
		expect(githubTrigger("issues", { action: "closed", issue, repository }, "research").start).toBe(false);
	});

	it("cuts the task to the request limit", () => {
		const long = { ...issue, body: "x".repeat(LIMITS.taskChars * 2) };
		const trigger = githubTrigger(
			"issues",
			{ action: "labeled", label: { name: "research" }, issue: long, repository },
			"research",
		);
		expect(trigger.start && trigger.task.length).toBe(LIMITS.taskChars);
	});

	it("refuses malformed payloads and repository names that could change the API path", () => {
		expect(githubTrigger("issues", { action: "labeled" }, "research").start).toBe(false);
		const sneaky = { full_name: "octo/repo/../../orgs/x" };
		const event = { action: "labeled", label: { name: "research" }, issue, repository: sneaky };
		expect(githubTrigger("issues", event, "research").start).toBe(false);
	});
});

describe("githubTrigger on issue comments", () => {
	const comment = (body: string, type = "User") => ({
		action: "created",
		comment: { id: 4242, body, user: { type } },
		issue,
		repository,
	});

	it("researches the text after /research", () => {
		expect(
			githubTrigger("issue_comment", comment("  /research   defrost cycles in humid cold  "), "x"),
		).toEqual({
			start: true,
			task: "defrost cycles in humid cold",
			repository: "octo/heat-pumps",
			issue: 7,
			event: "octo/heat-pumps#7:issue_comment.created:comment:4242",
		});
	});

	it("names each comment by its id, so a replayed body is the same event and a new comment is not", () => {
		const first = githubTrigger("issue_comment", comment("/research a"), "x");
		const replayed = githubTrigger("issue_comment", JSON.parse(JSON.stringify(comment("/research a"))), "x");
		const next = githubTrigger(
			"issue_comment",
			{ ...comment("/research a"), comment: { id: 4243, body: "/research a" } },
			"x",
		);
		expect(first.start && replayed.start && first.event === replayed.event).toBe(true);
		expect(first.start && next.start && first.event !== next.event).toBe(true);
	});

	it("researches the issue itself when the command stands alone", () => {
		expect(githubTrigger("issue_comment", comment("/research"), "x")).toMatchObject({
			start: true,
			task: "Cold-climate heat pumps\n\nHow do they perform below -20 °C?",
		});
	});

	it("ignores other comments, edits, bots and look-alike commands", () => {
		expect(githubTrigger("issue_comment", comment("please /research this"), "x").start).toBe(false);
		expect(githubTrigger("issue_comment", comment("/researching now"), "x").start).toBe(false);
		expect(githubTrigger("issue_comment", comment("/research x", "Bot"), "x").start).toBe(false);
		expect(githubTrigger("issue_comment", { ...comment("/research x"), action: "edited" }, "x").start).toBe(
			false,
		);
	});

	it("ignores every other event", () => {
		expect(githubTrigger("ping", { zen: "Keep it logically awesome." }, "research")).toEqual({
			start: false,
			reason: "ping events do not start research",
		});
	});
});

describe("the GitHub origin of a job", () => {
	const origin = { repository: "octo/heat-pumps", issue: 7, apiOrigin: "https://api.research.example" };

	it("survives the trip through job metadata", () => {
		const metadata = githubJobMetadata(origin, "delivery-1");
		expect(githubOriginOf(JSON.parse(JSON.stringify(metadata)))).toEqual(origin);
	});

	it("is absent from jobs that did not come from GitHub", () => {
		expect(githubOriginOf(null)).toBeNull();
		expect(githubOriginOf({ source: "cli" })).toBeNull();
		expect(githubOriginOf({ ...githubJobMetadata(origin, "d"), githubRepository: "not a repo" })).toBeNull();
	});

	it("points comments at the issue", () => {
		expect(issueCommentsUrl(origin)).toBe("https://api.github.com/repos/octo/heat-pumps/issues/7/comments");
	});
});

describe("githubComment", () => {
	const origin = { repository: "octo/heat-pumps", issue: 7, apiOrigin: "https://api.research.example" };
	const completed = { type: "job.completed" as const, jobId: "job_1" };

	it("quotes the summary and links the report", () => {
		const text = githubComment(completed, origin, "Heat pumps work.\nEven at -25 °C.", null);
		expect(text).toContain("> Heat pumps work.\n> Even at -25 °C.");
		expect(text).toContain("https://api.research.example/v1/research/job_1/report?format=html");
	});

	it("breaks @mentions and shortens long summaries", () => {
		const text = githubComment(completed, origin, `ask @octocat ${"y".repeat(COMMENT_SUMMARY_CHARS)}`, null);
		expect(text).not.toMatch(/@octocat/);
		expect(text).toContain("…");
		expect(text.length).toBeLessThan(COMMENT_SUMMARY_CHARS + 300);
	});

	it("says why a job failed, and that a cancelled one was cancelled", () => {
		expect(githubComment({ type: "job.failed", jobId: "job_1" }, origin, null, "no sources")).toContain(
			"> no sources",
		);
		expect(githubComment({ type: "job.cancelled", jobId: "job_1" }, origin, null, null)).toContain(
			"cancelled",
		);
	});
});
