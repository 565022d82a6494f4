/**
 * Links between a tenant's patterns, computed from the patterns alone:
 *
 * - similar: cosine similarity of the two embeddings > 0.7. Undirected; strength = the cosine.
 * - complementary: same task type, both successful, different approach, and related tasks
 *   (cosine ≥ 0.5, so that unrelated tasks of one type are not all linked pairwise). The approach
 *   of a run is its provider, its swarm size and its set of roles; any difference counts.
 *   Undirected; strength = the cosine.
 * - sequential: a pattern whose job was submitted as a follow-up of another pattern's job
 *   (`followsJobId`). Directed from the earlier job's pattern to the follow-up's; strength = 1.
 *
 * Patterns of different tenants are never linked. Undirected pairs have the smaller id as
 * `sourceId`; each (kind, source, target) appears once and the list is sorted by kind, source and
 * target, so the same patterns in any order give the same list, and storing it under that key
 * twice adds nothing.
 */
import type { Role, TaskType } from "../protocol";
import { compareText } from "./order";
import { dot, l2Normalize } from "./vector-math";

export const SIMILAR_THRESHOLD = 0.7;
export const COMPLEMENTARY_MIN_SIMILARITY = 0.5;

export type Approach = { provider: string; swarmSize: number; roles: Role[] };

export type AssociationInput = {
	id: string;
	tenantId: string;
	jobId: string;
	/** The job this pattern's job followed up on, if any. */
	followsJobId: string | null;
	taskType: TaskType;
	success: boolean;
	approach: Approach;
	embedding: readonly number[];
};

export type AssociationKind = "similar" | "complementary" | "sequential";
export const ASSOCIATION_KINDS: readonly AssociationKind[] = ["similar", "complementary", "sequential"];

export type Association = { kind: AssociationKind; sourceId: string; targetId: string; strength: number };

/**
 * Every association among `patterns` by the rules above. Pattern ids must be unique.
 * @example computeAssociations([a, b]) // [{ kind: "similar", sourceId: "a", targetId: "b", strength: 0.83 }]
 */
export function computeAssociations(patterns: readonly AssociationInput[]): Association[] {
	// Sorted by id, so every pair comes out as (smaller id, larger id); unit vectors make cosine a dot product.
	const sorted = [...patterns]
		.sort((a, b) => compareText(a.id, b.id))
		.map((pattern) => ({ pattern, unit: l2Normalize(pattern.embedding) }));
	const associations: Association[] = [];
	for (let i = 0; i < sorted.length; i++) {
		const { pattern: first, unit: firstUnit } = sorted[i] as (typeof sorted)[number];
		for (let j = i + 1; j < sorted.length; j++) {
			const { pattern: second, unit: secondUnit } = sorted[j] as (typeof sorted)[number];
			if (first.id === second.id) throw new RangeError(`pattern id "${first.id}" appears twice`);
			if (first.tenantId !== second.tenantId) continue;
			const similarity = Math.max(-1, Math.min(1, dot(firstUnit, secondUnit)));
			const pair = { sourceId: first.id, targetId: second.id, strength: similarity };
			if (similarity > SIMILAR_THRESHOLD) associations.push({ kind: "similar", ...pair });
			if (similarity >= COMPLEMENTARY_MIN_SIMILARITY && areComplementary(first, second)) {
				associations.push({ kind: "complementary", ...pair });
			}
			if (follows(second, first)) associations.push(sequential(first, second));
			if (follows(first, second)) associations.push(sequential(second, first));
		}
	}
	return associations.sort(compareAssociations);
}

/** True when two patterns differ in provider, swarm size or role set. */
export function approachesDiffer(a: Approach, b: Approach): boolean {
	const rolesA = new Set(a.roles);
	const rolesB = new Set(b.roles);
	const sameRoles = rolesA.size === rolesB.size && [...rolesA].every((role) => rolesB.has(role));
	return a.provider !== b.provider || a.swarmSize !== b.swarmSize || !sameRoles;
}

function areComplementary(a: AssociationInput, b: AssociationInput): boolean {
	return a.taskType === b.taskType && a.success && b.success && approachesDiffer(a.approach, b.approach);
}

function follows(followUp: AssociationInput, earlier: AssociationInput): boolean {
	return followUp.followsJobId !== null && followUp.followsJobId === earlier.jobId;
}

function sequential(earlier: AssociationInput, followUp: AssociationInput): Association {
	return { kind: "sequential", sourceId: earlier.id, targetId: followUp.id, strength: 1 };
}

function compareAssociations(a: Association, b: Association): number {
	return (
		ASSOCIATION_KINDS.indexOf(a.kind) - ASSOCIATION_KINDS.indexOf(b.kind) ||
		compareText(a.sourceId, b.sourceId) ||
		compareText(a.targetId, b.targetId)
	);
}
