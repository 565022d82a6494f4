/**
 * Goal-Oriented Action Planning: the cheapest sequence of actions that turns a start state (a set of
 * string facts) into one where every goal fact holds, found by A* search.
 *
 * Actions only add facts (effects) and never remove any, so the world state only grows. Two
 * consequences the planner relies on: an action never needs to run twice (its second run changes
 * nothing), and a goal reachable from the start is reachable from every state the search visits.
 *
 * A goal-mode decomposition becomes one research action per sub-goal plus a synthesize action
 * (`actionsForDecomposition`); the plan orders them and its levels say which sub-goals may run at once.
 */
import type { Complexity } from "../protocol";
import type { Decomposition } from "./decompose";

/** A planning action: it may run once all preconditions hold, and then makes its effects hold. */
export type Action = {
	name: string;
	preconditions: string[];
	effects: string[];
	cost: number;
	/** The sub-goal a research action works on. */
	subgoalId?: string;
};

/** A planning problem. `maxExpanded` caps the states A* may expand (default `DEFAULT_MAX_EXPANDED`). */
export type GoapProblem = {
	start: string[];
	goal: string[];
	actions: Action[];
	maxExpanded?: number;
};

/** Why a plan step is there: the facts it produces that the goal or a later step's preconditions need. */
export type PlanStepExplanation = {
	action: string;
	why: string;
	satisfies: string[];
};

/**
 * A cheapest plan. `levels` groups the steps into parallel levels: every step's preconditions hold in
 * the start state or are produced by a step of an earlier level, so the steps of one level can run at once.
 */
export type GoapPlan = {
	steps: Action[];
	cost: number;
	levels: string[][];
	explanation: PlanStepExplanation[];
};

/**
 * Why no plan came back. "unsatisfiable": `missingFacts` are the goal facts and needed preconditions
 * that hold neither at the start nor after any action that can ever run. "search-limit": the search
 * expanded `expandedNodes` states without finishing.
 */
export type GoapError =
	| { error: "unsatisfiable"; missingFacts: string[]; message: string }
	| { error: "search-limit"; expandedNodes: number; message: string };

/** States A* may expand before it gives up with a "search-limit" error. */
export const DEFAULT_MAX_EXPANDED = 200_000;

/**
 * Cost of researching one sub-goal, by its complexity: low 1, medium 2, high 3, very-high 5.
 * Roughly proportional to the agents and time a sub-swarm of that complexity spends; very-high is
 * above the trend because its swarm also runs a second (revisit) pass.
 */
export const RESEARCH_COST: Readonly<Record<Complexity, number>> = {
	low: 1,
	medium: 2,
	high: 3,
	"very-high": 5,
};

/** Cost of the synthesize action: one master-report agent, like a low-complexity step. */
export const SYNTHESIZE_COST = 1;
/** Name of the action that joins all sub-goals into the master report. */
export const SYNTHESIZE_ACTION = "synthesize";
/** The fact the synthesize action produces; the goal of a goal-mode plan. */
export const REPORT_FACT = "report";

/** The fact that holds once sub-goal `id` has been researched, e.g. `doneFact("g1")` → "done:g1". */
export function doneFact(subgoalId: string): string {
	return `done:${subgoalId}`;
}

/** The name of the research action of sub-goal `id`, e.g. `researchActionName("g1")` → "research:g1". */
export function researchActionName(subgoalId: string): string {
	return `research:${subgoalId}`;
}

/**
 * The planning actions of a decomposition: per sub-goal `research:<id>` (preconditions `done:<dep>`
 * for each dependency, effect `done:<id>`, cost `RESEARCH_COST[complexity]`), then `synthesize`
 * (preconditions every `done:<id>`, effect `report`, cost `SYNTHESIZE_COST`).
 * @example planGoap({ start: [], goal: [REPORT_FACT], actions: actionsForDecomposition(decomposition) })
 */
export function actionsForDecomposition(decomposition: Decomposition): Action[] {
	const research: Action[] = decomposition.subgoals.map((subgoal) => ({
		name: researchActionName(subgoal.id),
		preconditions: subgoal.dependsOn.map(doneFact),
		effects: [doneFact(subgoal.id)],
		cost: RESEARCH_COST[subgoal.complexity],
		subgoalId: subgoal.id,
	}));
	const synthesize: Action = {
		name: SYNTHESIZE_ACTION,
		preconditions: decomposition.subgoals.map((subgoal) => doneFact(subgoal.id)),
		effects: [REPORT_FACT],
		cost: SYNTHESIZE_COST,
	};
	return [...research, synthesize];
}

/** True when `planGoap` returned an error instead of a plan. */
export function isGoapError(result: GoapPlan | GoapError): result is GoapError {
	return "error" in result;
}

/**
 * Finds a cheapest plan from `start` to a state holding every `goal` fact, by A*.
 *
 * Search. States are the sets of facts that matter (goal facts and preconditions); a successor
 * applies one action whose preconditions hold and which adds at least one such fact. Open states are
 * ordered by f = g + h, then by more steps taken (deeper first), then by generation order, and
 * actions are tried in the order given, so equal inputs always give the same plan, and among equally
 * cheap plans the search leans towards the given action order. A state is final when it is
 * taken from the open list, which with a consistent heuristic makes the first goal state optimal.
 *
 * Heuristic h(s) = max(hMax(s), hSole(s)); both parts are admissible and consistent, hence so is
 * their maximum.
 * - hMax: in the problem relaxed to "a fact costs its cheapest producer plus the dearest of that
 *   producer's preconditions" (c(f) = 0 for f in s, else min over producers a of cost(a) + max over
 *   p in pre(a) of c(p)), the dearest goal fact. Admissible: by induction along any real plan from s,
 *   the cost spent until a fact f first holds is at least c(f), since the action adding f had all its
 *   preconditions already (each paid for at least its c) and costs at least its own cost; the plan
 *   makes every goal fact hold, so it costs at least max c(goal). Consistent: after action a, the
 *   facts a adds cost at most cost(a) from s, so c_s(f) ≤ cost(a) + c_s'(f) for every f.
 * - hSole: the summed cost of the actions every plan from s must contain, found by following facts
 *   with exactly one producer: a missing goal fact with one producer makes that producer necessary,
 *   and so does a missing precondition of a necessary action with one producer. A plan runs each
 *   necessary action at least once, so it costs at least the sum. Consistent: applying a keeps every
 *   other necessary action necessary (its chain of missing facts never passes through a fact a
 *   adds, because such a fact's only producer is a, whose preconditions already hold), so h
 *   drops by at most cost(a).
 *
 * Errors: an unreachable goal gives "unsatisfiable" with the missing facts; more than `maxExpanded`
 * expanded states gives "search-limit". Throws a RangeError for a duplicate action name, a cost that
 * is not a positive finite number, or a `maxExpanded` below 1.
 * @example planGoap({ start: [], goal: ["b"], actions: [
 *   { name: "make-a", preconditions: [], effects: ["a"], cost: 1 },
 *   { name: "make-b", preconditions: ["a"], effects: ["b"], cost: 2 },
 * ] }) // { steps: [make-a, make-b], cost: 3, levels: [["make-a"], ["make-b"]], explanation: [...] }
 */
export function planGoap(problem: GoapProblem): GoapPlan | GoapError {
	const maxExpanded = problem.maxExpanded ?? DEFAULT_MAX_EXPANDED;
	assertValidProblem(problem.actions, maxExpanded);

	const missingFacts = unreachableFacts(problem.start, problem.goal, problem.actions);
	if (missingFacts.length > 0) return unsatisfiable(missingFacts, problem.actions);

	const encoded = encodeProblem(problem);
	const search = searchCheapest(encoded, maxExpanded);
	if (search.kind === "limit") {
		return {
			error: "search-limit",
			expandedNodes: search.expanded,
			message: `the planner expanded ${search.expanded} states without finishing; simplify the problem or raise maxExpanded`,
		};
	}
	const steps = search.actionIndexes.map((index) => problem.actions[index] as Action);
	return {
		steps,
		cost: steps.reduce((sum, step) => sum + step.cost, 0),
		levels: parallelLevels(problem.start, steps),
		explanation: explainSteps(problem.start, problem.goal, steps),
	};
}

/**
 * One line per step, unnumbered (a list that shows them numbers them itself): its level, cost, the
 * preconditions it waits for and what it produces for whom.
 * @example describeSteps(plan)[0] // "research:g1 (level 1, cost 2): requires nothing; produces done:g1 (needed by synthesize)."
 */
export function describeSteps(plan: GoapPlan): string[] {
	const levelOf = new Map<string, number>();
	plan.levels.forEach((names, index) => {
		for (const name of names) levelOf.set(name, index + 1);
	});
	return plan.steps.map((step, index) => {
		const requires = step.preconditions.length > 0 ? step.preconditions.join(", ") : "nothing";
		const why = plan.explanation[index]?.why ?? "";
		const level = levelOf.get(step.name) ?? "?";
		return `${step.name} (level ${level}, cost ${step.cost}): requires ${requires}; ${lowerFirst(why)}`;
	});
}

/**
 * The plan as text: `describeSteps`' lines numbered, then the total.
 * @example explainPlan(plan)
 * // "1. research:g1 (level 1, cost 2): requires nothing; produces done:g1 (needed by synthesize).
 * //  2. synthesize (level 2, cost 1): requires done:g1; produces report (a goal fact).
 * //  Total cost 3 over 2 levels."
 */
export function explainPlan(plan: GoapPlan): string {
	const lines = describeSteps(plan).map((line, index) => `${index + 1}. ${line}`);
	const levelWord = plan.levels.length === 1 ? "level" : "levels";
	lines.push(`Total cost ${plan.cost} over ${plan.levels.length} ${levelWord}.`);
	return lines.join("\n");
}

function assertValidProblem(actions: readonly Action[], maxExpanded: number): void {
	if (!Number.isInteger(maxExpanded) || maxExpanded < 1) {
		throw new RangeError(`maxExpanded must be a positive integer, got ${maxExpanded}`);
	}
	const names = new Set<string>();
	for (const action of actions) {
		if (names.has(action.name)) throw new RangeError(`duplicate action name "${action.name}"`);
		names.add(action.name);
		// Positive costs keep optimal plans free of useless steps and the heuristic proofs valid.
		if (!Number.isFinite(action.cost) || action.cost <= 0) {
			throw new RangeError(`action "${action.name}" must have a positive finite cost, got ${action.cost}`);
		}
	}
}

/**
 * Goal facts that can never hold, plus the preconditions that keep them out of reach: facts not in
 * the start state and not produced by any action whose preconditions can all come to hold. Goal
 * facts come first, then preconditions in the order they were traced.
 */
function unreachableFacts(
	start: readonly string[],
	goal: readonly string[],
	actions: readonly Action[],
): string[] {
	const reachable = new Set(start);
	let grew = true;
	while (grew) {
		grew = false;
		for (const action of actions) {
			if (!action.preconditions.every((fact) => reachable.has(fact))) continue;
			for (const fact of action.effects) {
				if (!reachable.has(fact)) {
					reachable.add(fact);
					grew = true;
				}
			}
		}
	}

	const missing = [...new Set(goal.filter((fact) => !reachable.has(fact)))];
	const traced = new Set(missing);
	for (let index = 0; index < missing.length; index++) {
		const fact = missing[index] as string;
		for (const producer of actions.filter((action) => action.effects.includes(fact))) {
			for (const precondition of producer.preconditions) {
				if (reachable.has(precondition) || traced.has(precondition)) continue;
				traced.add(precondition);
				missing.push(precondition);
			}
		}
	}
	return missing;
}

function unsatisfiable(missingFacts: string[], actions: readonly Action[]): GoapError {
	const unproduced = missingFacts.filter((fact) => !actions.some((action) => action.effects.includes(fact)));
	const cause =
		unproduced.length > 0
			? `no action produces ${unproduced.join(", ")}`
			: "the actions that produce them wait on each other";
	return {
		error: "unsatisfiable",
		missingFacts,
		message: `unsatisfiable goal: ${missingFacts.join(", ")} can never hold (${cause})`,
	};
}

/** The problem over bit masks: bit i stands for the i-th fact that is a goal or a precondition. */
type EncodedProblem = {
	start: bigint;
	goal: bigint;
	actions: EncodedAction[];
	/** Per relevant fact, the indexes of the actions that add it. */
	producers: number[][];
	factCount: number;
};

type EncodedAction = {
	index: number;
	cost: number;
	preMask: bigint;
	effectMask: bigint;
	preconditions: number[];
	effects: number[];
};

function encodeProblem(problem: GoapProblem): EncodedProblem {
	const factIndex = new Map<string, number>();
	const relevant = [...problem.goal, ...problem.actions.flatMap((action) => action.preconditions)];
	for (const fact of relevant) if (!factIndex.has(fact)) factIndex.set(fact, factIndex.size);

	const indexesOf = (facts: readonly string[]): number[] => [
		...new Set(facts.flatMap((fact) => factIndex.get(fact) ?? [])),
	];
	const maskOf = (indexes: readonly number[]): bigint =>
		indexes.reduce((mask, index) => mask | (1n << BigInt(index)), 0n);

	const actions = problem.actions
		.map((action, index) => {
			const preconditions = indexesOf(action.preconditions);
			const effects = indexesOf(action.effects);
			return {
				index,
				cost: action.cost,
				preMask: maskOf(preconditions),
				effectMask: maskOf(effects),
				preconditions,
				effects,
			};
		})
		// An action that adds nothing that matters can never shorten a plan.
		.filter((action) => action.effects.length > 0);

	const producers: number[][] = Array.from({ length: factIndex.size }, () => []);
	actions.forEach((action, position) => {
		for (const fact of action.effects) producers[fact]?.push(position);
	});
	return {
		start: maskOf(indexesOf(problem.start)),
		goal: maskOf(indexesOf(problem.goal)),
		actions,
		producers,
		factCount: factIndex.size,
	};
}

type SearchNode = { state: bigint; g: number; h: number; steps: number; order: number };
type SearchResult = { kind: "found"; actionIndexes: number[] } | { kind: "limit"; expanded: number };

function searchCheapest(problem: EncodedProblem, maxExpanded: number): SearchResult {
	const open = new MinHeap<SearchNode>(
		(a, b) => a.g + a.h - (b.g + b.h) || b.steps - a.steps || a.order - b.order,
	);
	const bestCost = new Map<bigint, number>([[problem.start, 0]]);
	const cameFrom = new Map<bigint, { previous: bigint; action: number }>();
	const closed = new Set<bigint>();
	let order = 0;
	let expanded = 0;
	open.push({ state: problem.start, g: 0, h: heuristic(problem, problem.start), steps: 0, order: order++ });

	for (let node = open.pop(); node !== undefined; node = open.pop()) {
		if (closed.has(node.state) || node.g > (bestCost.get(node.state) ?? Number.POSITIVE_INFINITY)) continue;
		if ((node.state & problem.goal) === problem.goal) {
			return { kind: "found", actionIndexes: pathTo(node.state, cameFrom, problem.actions) };
		}
		if (expanded >= maxExpanded) return { kind: "limit", expanded };
		expanded++;
		closed.add(node.state);

		problem.actions.forEach((action, position) => {
			if ((node.state & action.preMask) !== action.preMask) return;
			const next = node.state | action.effectMask;
			if (next === node.state || closed.has(next)) return;
			const g = node.g + action.cost;
			if (g >= (bestCost.get(next) ?? Number.POSITIVE_INFINITY)) return;
			const h = heuristic(problem, next);
			if (h === Number.POSITIVE_INFINITY) return;
			bestCost.set(next, g);
			cameFrom.set(next, { previous: node.state, action: position });
			open.push({ state: next, g, h, steps: node.steps + 1, order: order++ });
		});
	}
	// Unreachable goals are rejected before the search, so the open list never runs dry first.
	throw new Error("planner invariant broken: reachable goal not found");
}

function pathTo(
	state: bigint,
	cameFrom: ReadonlyMap<bigint, { previous: bigint; action: number }>,
	actions: readonly EncodedAction[],
): number[] {
	const path: number[] = [];
	for (let step = cameFrom.get(state); step !== undefined; step = cameFrom.get(step.previous)) {
		path.push((actions[step.action] as EncodedAction).index);
	}
	return path.reverse();
}

/** max(hMax, hSole); see `planGoap` for the admissibility argument. Infinity marks a dead end. */
function heuristic(problem: EncodedProblem, state: bigint): number {
	if ((state & problem.goal) === problem.goal) return 0;
	return Math.max(relaxedMaxCost(problem, state), soleProducerCost(problem, state));
}

function holds(state: bigint, fact: number): boolean {
	return (state & (1n << BigInt(fact))) !== 0n;
}

/** hMax: the relaxed cost of the dearest goal fact, by fixpoint iteration over the actions. */
function relaxedMaxCost(problem: EncodedProblem, state: bigint): number {
	const factCost = Array.from({ length: problem.factCount }, (_, fact) =>
		holds(state, fact) ? 0 : Number.POSITIVE_INFINITY,
	);
	let lowered = true;
	while (lowered) {
		lowered = false;
		for (const action of problem.actions) {
			const ready = Math.max(0, ...action.preconditions.map((fact) => factCost[fact] ?? 0));
			if (ready === Number.POSITIVE_INFINITY) continue;
			const reached = ready + action.cost;
			for (const fact of action.effects) {
				if (reached < (factCost[fact] ?? 0)) {
					factCost[fact] = reached;
					lowered = true;
				}
			}
		}
	}
	let dearest = 0;
	factCost.forEach((cost, fact) => {
		if (holds(problem.goal, fact)) dearest = Math.max(dearest, cost);
	});
	return dearest;
}

/** hSole: the summed cost of the actions that are the only producer of a fact every plan needs. */
function soleProducerCost(problem: EncodedProblem, state: bigint): number {
	const needed: number[] = [];
	for (let fact = 0; fact < problem.factCount; fact++) {
		if (holds(problem.goal, fact) && !holds(state, fact)) needed.push(fact);
	}
	const seen = new Set(needed);
	const necessary = new Set<number>();
	for (let index = 0; index < needed.length; index++) {
		const producers = problem.producers[needed[index] as number] ?? [];
		if (producers.length === 0) return Number.POSITIVE_INFINITY;
		if (producers.length > 1) continue;
		const position = producers[0] as number;
		if (necessary.has(position)) continue;
		necessary.add(position);
		for (const fact of problem.actions[position]?.preconditions ?? []) {
			if (holds(state, fact) || seen.has(fact)) continue;
			seen.add(fact);
			needed.push(fact);
		}
	}
	let total = 0;
	for (const position of necessary) total += problem.actions[position]?.cost ?? 0;
	return total;
}

/**
 * Levels of an ordered plan: a step's level is one past the highest level among the earliest
 * producers of its preconditions (level 0 when all hold at the start).
 */
function parallelLevels(start: readonly string[], steps: readonly Action[]): string[][] {
	const levelOfFact = new Map<string, number>(start.map((fact) => [fact, -1]));
	const levels: string[][] = [];
	for (const step of steps) {
		const level = 1 + Math.max(-1, ...step.preconditions.map((fact) => levelOfFact.get(fact) ?? -1));
		const members = levels[level] ?? [];
		members.push(step.name);
		levels[level] = members;
		for (const fact of step.effects) {
			levelOfFact.set(fact, Math.min(level, levelOfFact.get(fact) ?? Number.POSITIVE_INFINITY));
		}
	}
	return levels;
}

/** Per step, the facts it is first to produce that the goal or a later step's preconditions need. */
function explainSteps(
	start: readonly string[],
	goal: readonly string[],
	steps: readonly Action[],
): PlanStepExplanation[] {
	const holdsBefore = new Set(start);
	const goalFacts = new Set(goal);
	return steps.map((step, index) => {
		const later = steps.slice(index + 1);
		const reasons: string[] = [];
		const satisfies: string[] = [];
		for (const fact of new Set(step.effects)) {
			if (holdsBefore.has(fact)) continue;
			const consumers = later
				.filter((other) => other.preconditions.includes(fact))
				.map((other) => other.name);
			const uses = [
				...(goalFacts.has(fact) ? ["a goal fact"] : []),
				...(consumers.length > 0 ? [`needed by ${consumers.join(", ")}`] : []),
			];
			if (uses.length === 0) continue;
			satisfies.push(fact);
			reasons.push(`${fact} (${uses.join("; ")})`);
		}
		for (const fact of step.effects) holdsBefore.add(fact);
		return { action: step.name, why: `Produces ${reasons.join(", ")}.`, satisfies };
	});
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A binary min-heap ordered by `compare`. */
class MinHeap<T> {
	private readonly items: T[] = [];

	constructor(private readonly compare: (a: T, b: T) => number) {}

	push(item: T): void {
		const items = this.items;
		items.push(item);
		let child = items.length - 1;
		while (child > 0) {
			const parent = (child - 1) >> 1;
			if (this.compare(items[child] as T, items[parent] as T) >= 0) break;
			[items[child], items[parent]] = [items[parent] as T, items[child] as T];
			child = parent;
		}
	}

	pop(): T | undefined {
		const items = this.items;
		const top = items[0];
		const last = items.pop();
		if (items.length === 0 || last === undefined) return top;
		items[0] = last;
		let parent = 0;
		for (;;) {
			const left = 2 * parent + 1;
			const right = left + 1;
			let smallest = parent;
			if (left < items.length && this.compare(items[left] as T, items[smallest] as T) < 0) smallest = left;
			if (right < items.length && this.compare(items[right] as T, items[smallest] as T) < 0) smallest = right;
			if (smallest === parent) return top;
			[items[parent], items[smallest]] = [items[smallest] as T, items[parent] as T];
			parent = smallest;
		}
	}
}
