/**
 * Swarm sizing: which roles a job runs, how its time budget is split between them, and the
 * dependencies that make the plan a DAG (a task waits only for its own inputs, never for a phase).
 *
 * Roles join in priority order: explorer, depth_analyst, synthesizer, verifier, trend_analyst,
 * domain_expert, critic; a swarm of N takes the first N (a single agent is the explorer alone).
 *
 * Time shares (fraction of the job's time budget per task):
 *
 * | role          | size 3 | size 5 | size 7 |
 * |---------------|--------|--------|--------|
 * | explorer      | 0.40   | 0.25   | 0.18   |
 * | depth_analyst | 0.40   | 0.25   | 0.18   |
 * | verifier      |        | 0.15   | 0.12   |
 * | trend_analyst |        | 0.15   | 0.12   |
 * | domain_expert |        |        | 0.12   |
 * | critic        |        |        | 0.12   |
 * | synthesizer   | 0.20   | 0.20   | 0.16   |
 *
 * Any other size uses the column of the smallest tabled size at least as large, renormalized over
 * the roles present so the shares sum to 1: size 1 → explorer 1; size 4 → the size-5 column over
 * explorer, depth_analyst, verifier, synthesizer (÷ 0.85); size 6 → the size-7 column without the
 * critic (÷ 0.88).
 *
 * Second pass (when the config asks for it and the swarm has a critic): "explorer-revisit" and
 * "depth-analyst-revisit" run after the critic, and the synthesizer waits for them too. Each revisit
 * task gets half of the explorer's share, then every share is divided by the new total
 * (1 + explorer share) so they again sum to 1.
 */
import type { EffectiveConfig, Phase, PlannedTask, Role } from "../protocol";
import { ROLES } from "../protocol";

const ROLE_PRIORITY: readonly Role[] = [
	"explorer",
	"depth_analyst",
	"synthesizer",
	"verifier",
	"trend_analyst",
	"domain_expert",
	"critic",
];

/** The tabled time shares; a role absent from a size has share 0 there. */
const SHARE_TABLES: ReadonlyArray<{ size: number; shares: Record<Role, number> }> = [
	{
		size: 3,
		shares: {
			explorer: 0.4,
			depth_analyst: 0.4,
			verifier: 0,
			trend_analyst: 0,
			domain_expert: 0,
			critic: 0,
			synthesizer: 0.2,
		},
	},
	{
		size: 5,
		shares: {
			explorer: 0.25,
			depth_analyst: 0.25,
			verifier: 0.15,
			trend_analyst: 0.15,
			domain_expert: 0,
			critic: 0,
			synthesizer: 0.2,
		},
	},
	{
		size: 7,
		shares: {
			explorer: 0.18,
			depth_analyst: 0.18,
			verifier: 0.12,
			trend_analyst: 0.12,
			domain_expert: 0.12,
			critic: 0.12,
			synthesizer: 0.16,
		},
	},
];

const PHASE_BY_ROLE: Record<Role, Phase> = {
	explorer: "research",
	depth_analyst: "research",
	trend_analyst: "research",
	verifier: "review",
	domain_expert: "review",
	critic: "review",
	synthesizer: "synthesis",
};

/** Roles whose output a role reads; the synthesizer is handled apart because it reads everything. */
const UPSTREAM_ROLES: Partial<Record<Role, readonly Role[]>> = {
	verifier: ["explorer", "depth_analyst"],
	domain_expert: ["depth_analyst"],
	critic: ["verifier"],
};

const REVISITED_ROLES: readonly Role[] = ["explorer", "depth_analyst"];

/**
 * The roles of a swarm of `size` agents: 1 (single agent) or 3–7. Throws a RangeError otherwise.
 * @example rolesForSize(5) // ["explorer", "depth_analyst", "synthesizer", "verifier", "trend_analyst"]
 */
export function rolesForSize(size: number): Role[] {
	if (size !== 1 && !(Number.isInteger(size) && size >= 3 && size <= ROLE_PRIORITY.length)) {
		throw new RangeError(`swarm size must be 1 or an integer from 3 to ${ROLE_PRIORITY.length}, got ${size}`);
	}
	return ROLE_PRIORITY.slice(0, size);
}

/** Task id for a role: underscores become hyphens ("depth_analyst" → "depth-analyst"). */
export function taskIdForRole(role: Role): string {
	return role.replaceAll("_", "-");
}

/**
 * Plans the job's DAG for a resolved config, in a dependency-respecting order (every task comes
 * after the tasks it depends on; the synthesizer is last).
 * @example planSwarm({ ...config, swarmSize: 3, secondPass: false }).map((t) => t.id)
 * // ["explorer", "depth-analyst", "synthesizer"]
 */
export function planSwarm(config: Pick<EffectiveConfig, "swarmSize" | "secondPass">): PlannedTask[] {
	const chosen = new Set(rolesForSize(config.swarmSize));
	const tableShares = shareTableFor(chosen.size);
	const ordered = ROLES.filter((role) => chosen.has(role) && role !== "synthesizer");

	const tasks: PlannedTask[] = ordered.map((role) => ({
		id: taskIdForRole(role),
		role,
		phase: PHASE_BY_ROLE[role],
		dependsOn: (UPSTREAM_ROLES[role] ?? []).filter((upstream) => chosen.has(upstream)).map(taskIdForRole),
		timeShare: tableShares[role],
	}));

	if (config.secondPass && chosen.has("critic")) {
		for (const role of REVISITED_ROLES) {
			tasks.push({
				id: `${taskIdForRole(role)}-revisit`,
				role,
				phase: "revisit",
				dependsOn: [taskIdForRole("critic")],
				timeShare: tableShares.explorer / 2,
			});
		}
	}

	if (chosen.has("synthesizer")) {
		tasks.push({
			id: taskIdForRole("synthesizer"),
			role: "synthesizer",
			phase: PHASE_BY_ROLE.synthesizer,
			dependsOn: tasks.map((task) => task.id),
			timeShare: tableShares.synthesizer,
		});
	}

	// One renormalization covers both the sizes between tabled columns and the revisit round.
	const total = tasks.reduce((sum, task) => sum + task.timeShare, 0);
	return tasks.map((task) => ({ ...task, timeShare: task.timeShare / total }));
}

/** The tabled shares for a swarm size: the column of the smallest tabled size at least as large. */
function shareTableFor(size: number): Record<Role, number> {
	const entry = SHARE_TABLES.find((candidate) => candidate.size >= size);
	if (!entry) throw new RangeError(`no time-share table covers a swarm of ${size}`);
	return entry.shares;
}
