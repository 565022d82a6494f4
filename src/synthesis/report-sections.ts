/** The report's top-level sections: their anchor ids, titles and display order, shared by both renderers. */
import type { Report } from "./report-schema";

/** Top-level sections in the order every rendering shows them, with their anchor ids. */
export const REPORT_SECTIONS = [
	{ id: "executive-summary", title: "Executive Summary" },
	{ id: "methodology", title: "Methodology" },
	{ id: "detailed-findings", title: "Detailed Findings" },
	{ id: "cross-agent-insights", title: "Cross-Agent Insights" },
	{ id: "verification-report", title: "Verification Report" },
	{ id: "learning-patterns", title: "Learning Patterns" },
	{ id: "performance-metrics", title: "Performance Metrics" },
	{ id: "appendix", title: "Appendix" },
] as const;

/** Sections only a goal-mode report has; they follow the Executive Summary. */
export const GOAL_SECTIONS = [
	{ id: "goal-plan", title: "Goal Plan" },
	{ id: "sub-goals", title: "Sub-goals" },
	{ id: "cross-subgoal-insights", title: "Cross-Sub-goal Insights" },
] as const;
export type GoalSectionId = (typeof GOAL_SECTIONS)[number]["id"];
export type ReportSectionId = (typeof REPORT_SECTIONS)[number]["id"] | GoalSectionId;

/**
 * The top-level sections of this report in display order: `REPORT_SECTIONS`, with `GOAL_SECTIONS`
 * after the Executive Summary when the report is a goal-mode master report.
 * @example reportSections(directReport).length // 8
 */
export function reportSections(report: Report): { id: ReportSectionId; title: string }[] {
	if (report.goal === null) return [...REPORT_SECTIONS];
	const [summary, ...rest] = REPORT_SECTIONS;
	return [summary, ...GOAL_SECTIONS, ...rest];
}
