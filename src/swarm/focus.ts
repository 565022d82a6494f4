/**
 * What a job's `focus` changes in the work itself: how much each agent searches and reads, how many
 * passages each role reports, and how far a passage may stray from the task's key terms.
 */
import type { Focus } from "../protocol";

/** The work one focus level asks of every agent. */
export type FocusProfile = {
	/** Multiplies the searches and page fetches one turn may make (still at most 10). */
	searchScale: number;
	/** Pages of one turn fetched and snapshotted; a provider citing more gets the first ones. */
	pagesPerTurn: number;
	/** Multiplies the passages (findings) each role reports. */
	passageScale: number;
	/** A passage is kept only when its relevance to a question is at least this share of the best one's. */
	minRelativeRelevance: number;
};

/**
 * `narrow` reads less and keeps only passages close to the task's key terms; `broad` reads more and
 * lets passages further from them in, so the report covers the surrounding ground too.
 * @example FOCUS_PROFILES.narrow.pagesPerTurn // 10
 */
export const FOCUS_PROFILES: Record<Focus, FocusProfile> = {
	narrow: { searchScale: 0.5, pagesPerTurn: 10, passageScale: 0.75, minRelativeRelevance: 0.4 },
	balanced: { searchScale: 1, pagesPerTurn: 20, passageScale: 1, minRelativeRelevance: 0.2 },
	broad: { searchScale: 1.5, pagesPerTurn: 30, passageScale: 1.25, minRelativeRelevance: 0.1 },
};
