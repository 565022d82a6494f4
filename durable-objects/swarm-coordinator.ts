/**
 * SwarmCoordinator: one Durable Object per job. It answers the API and the queue consumers over RPC and
 * runs the job's watchdog alarm; the job logic itself lives in `src/jobs/`.
 *
 * Every change is a pure transition (`src/jobs/transitions.ts`) committed in one SQLite transaction
 * (state, events, outbox) before any I/O. Side effects the job owes (the webhook outbox, the D1 mirror,
 * the tenant's quota slot, the learned pattern) are read from that stored state, so an evicted object
 * picks them up again at its next alarm.
 */
import { DurableObject } from "cloudflare:workers";
import type { NewSource } from "../src/evidence/ingest";
import { agentContext } from "../src/jobs/agent-context";
import { nextAlarmAt } from "../src/jobs/alarm";
import { learnFromJob } from "../src/jobs/learning";
import { mirrorJob } from "../src/jobs/mirror";
import { type CallLedger, type CoordinatorModel, coordinatorModel } from "../src/jobs/model-caller";
import { JobOutbox } from "../src/jobs/outbox";
import { planJob } from "../src/jobs/planning";
import { discardReport, storeReport } from "../src/jobs/report";
import { type JobState, owedWork, type StartJobInput, toJobView } from "../src/jobs/state";
import { JobStore } from "../src/jobs/store";
import * as job from "../src/jobs/transitions";
import {
	type AgentContext,
	type AgentResult,
	AgentResultSchema,
	type AgentTaskMessage,
	type EffectiveConfig,
	type JobEvent,
	type JobStatus,
	type JobView,
	type SettledCall,
	SettledCallSchema,
	type SourceRecord,
	TERMINAL_JOB_STATUSES,
	type UpstreamResult,
} from "../src/protocol";
import { openProviders } from "../src/providers/breaker";
import { configuredProviders, providerSettings } from "../src/providers/settings";
import type { OutageCause } from "../src/providers/types";
import { ancestorIds, jobProgress } from "../src/swarm/dag";
import { EventStreamHub } from "./event-stream";

export type CancelOutcome = { cancelled: boolean; status: JobStatus };

export class SwarmCoordinator extends DurableObject<Env> {
	/** The job's tables (state, events, results); tests read and adjust the state through it. */
	readonly store: JobStore;
	private readonly outbox: JobOutbox;
	private readonly streams = new EventStreamHub();
	private finalizing: Promise<void> | null = null;
	private settling: Promise<void> = Promise.resolve();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.outbox = new JobOutbox(ctx.storage.sql);
		this.store = new JobStore(ctx.storage, this.outbox);
	}

	// ─── API-facing RPC ────────────────────────────────────────────────────────────────────────────

	/** Persists a new job and schedules its planning. Calling it again for the same job changes nothing. */
	async start(input: StartJobInput): Promise<{ status: JobStatus }> {
		const existing = this.store.state;
		if (existing) return { status: existing.status };
		this.apply(job.accept(input, Date.now()));
		await this.ctx.storage.setAlarm(Date.now());
		return { status: "queued" };
	}

	/** The job's current view, or null when the job does not exist for this tenant. */
	async view(tenantId: string): Promise<JobView | null> {
		const state = this.owned(tenantId);
		return state ? toJobView(state, jobProgress(state.tasks), Date.now()) : null;
	}

	/** Events after `afterSeq`, oldest first. */
	async eventLog(tenantId: string, afterSeq = 0, limit = 1000): Promise<JobEvent[]> {
		return this.owned(tenantId) ? this.store.readEvents(afterSeq, limit) : [];
	}

	/** An SSE stream of the events after `afterSeq`, live until the job's terminal event. */
	async streamEvents(tenantId: string, afterSeq: number): Promise<ReadableStream<Uint8Array> | null> {
		if (!this.owned(tenantId)) return null;
		return this.streams.open(this.store.readEvents(afterSeq, Number.MAX_SAFE_INTEGER));
	}

	/**
	 * Cancels the job unless it already ended; tasks not yet finished are skipped. A job cancelled while
	 * its report was built keeps no report objects: a report build in progress discards its own, and one
	 * cut short by an eviction may have left objects behind, which are deleted here.
	 */
	async cancel(tenantId: string): Promise<CancelOutcome | null> {
		const state = this.owned(tenantId);
		if (!state) return null;
		const { cancelled } = this.apply(job.cancel(state, Date.now()));
		if (cancelled && state.status === "synthesizing" && this.finalizing === null) {
			await discardReport(this.env.ARTIFACTS, state.tenantId, state.jobId);
		}
		if (cancelled) await this.settleOwedWork();
		return { cancelled, status: this.current().status };
	}

	// ─── Consumer-facing RPC (idempotent by task + attempt) ─────────────────────────────────────────

	/** Starts (or resumes after a redelivery) a task attempt; null when the attempt is stale. */
	async beginTask(message: AgentTaskMessage): Promise<AgentContext | null> {
		const state = this.store.state;
		if (!state) return null;
		const settings = providerSettings(this.env);
		const providers = { configured: configuredProviders(settings), modelOverrides: settings.modelOverrides };
		const now = Date.now();
		const task = this.apply(job.beginTask(state, message, providers, now));
		if (!task) return null;
		const current = this.current();
		const ancestors = ancestorIds(current.tasks, task.id);
		const upstream = current.tasks
			.filter((candidate) => ancestors.has(candidate.id) && candidate.status === "completed")
			.map((candidate): UpstreamResult => {
				const result = this.store.readResult(candidate.id, candidate.attempts);
				return {
					taskId: candidate.id,
					role: candidate.role,
					findings: result?.findings ?? [],
					narrative: result?.narrative ?? "",
				};
			});
		return agentContext(current, task, upstream, now);
	}

	/** Renews the attempt's lease and records progress; `active: false` tells the agent to stop. */
	async heartbeat(message: AgentTaskMessage, progress: number, note?: string): Promise<{ active: boolean }> {
		const state = this.store.state;
		return state ? this.apply(job.heartbeat(state, message, progress, note, Date.now())) : { active: false };
	}

	/** Accepts an attempt's result once; duplicates and stale attempts change nothing. */
	async completeTask(message: AgentTaskMessage, result: AgentResult): Promise<{ accepted: boolean }> {
		const state = this.store.state;
		if (!job.currentAttempt(state, message) || !state) return { accepted: false };
		const parsed = AgentResultSchema.parse(result);
		this.store.saveResult(message.taskId, message.attempt, parsed);
		return this.run(job.completeTask(state, message, parsed, Date.now()));
	}

	/** Records a failed delivery that the queue will retry after `delaySeconds`, holding the lease meanwhile. */
	async retryTask(
		message: AgentTaskMessage,
		error: string,
		delaySeconds: number,
		outage: OutageCause | null = null,
	): Promise<{ accepted: boolean }> {
		const state = this.store.state;
		if (!state) return { accepted: false };
		return this.apply(job.retryTask(state, message, { error, delaySeconds, outage }, Date.now()));
	}

	/** Marks the attempt failed for good (retries exhausted); the job carries on without the task. */
	async failTask(
		message: AgentTaskMessage,
		error: string,
		details: { rawOutput?: string; budgetLimited?: boolean } = {},
	): Promise<{ accepted: boolean }> {
		const state = this.store.state;
		if (!state) return { accepted: false };
		return this.run(job.failTask(state, message, { error, ...details }, Date.now()));
	}

	/**
	 * Registers pages an attempt retrieved as job sources (deduplicated by URL) and returns every source
	 * of the job, so the attempt can point its citations at them.
	 */
	async registerSources(message: AgentTaskMessage, sources: NewSource[]): Promise<SourceRecord[]> {
		const state = this.store.state;
		return state ? this.apply(job.registerSources(state, message, sources, Date.now())) : [];
	}

	/** Reserves `usd` of the job's budget for one call; refused when the budget cannot cover it. */
	async reserveBudget(message: AgentTaskMessage, usd: number): Promise<{ granted: boolean }> {
		const state = this.store.state;
		return state ? this.apply(job.reserveBudget(state, message, usd, Date.now())) : { granted: false };
	}

	/** Releases a turn's reservation and books what its calls were billed, whether the turn succeeded or not. */
	async settleCall(message: AgentTaskMessage, call: SettledCall): Promise<void> {
		const state = this.store.state;
		if (state) this.apply(job.settleCall(state, message, SettledCallSchema.parse(call), Date.now()));
	}

	// ─── Watchdog ─────────────────────────────────────────────────────────────────────────────────

	/** Plans queued jobs, recovers lost tasks, enforces the deadline, builds the report, settles what is owed. */
	override async alarm(): Promise<void> {
		const state = this.store.state;
		if (!state) return;
		if (state.status === "queued" || state.status === "planning") await this.plan();
		else if (state.status === "running") await this.runNow(job.watchdog(state, Date.now()));
		if (this.current().status === "synthesizing") await this.finalize();
		await this.settleOwedWork();
		const at = nextAlarmAt(this.current(), this.outbox.hasUnsent(), Date.now());
		if (at !== null) await this.ctx.storage.setAlarm(at);
	}

	private async plan(): Promise<void> {
		this.apply(job.startPlanning(this.current(), Date.now()));
		const outcome = await planJob(this.current(), {
			env: this.env,
			decomposer: (config) => this.model(config, "explorer"),
			stillPlanning: () => this.current().status === "planning",
			now: Date.now,
		});
		if (outcome) await this.runNow(job.planned(this.current(), outcome, Date.now()));
	}

	/**
	 * Builds and stores the report, then completes the job. Safe to re-run after an eviction. A cancel
	 * that lands while the report is built leaves no report objects: nothing is written once the job is
	 * no longer synthesizing, and what was written before a cancel landed is deleted again.
	 */
	private finalize(): Promise<void> {
		this.finalizing ??= (async () => {
			const state = this.current();
			const completedAt = Date.now();
			const synthesizing = () => this.current().status === "synthesizing";
			try {
				const aggregation = await storeReport(state, {
					bucket: this.env.ARTIFACTS,
					resultOf: (taskId, attempt) => this.store.readResult(taskId, attempt),
					judge: this.model(state.config, "verifier"),
					latest: () => this.current(),
					completedAt,
					wanted: synthesizing,
				});
				// Checked and committed with no await between them, so no cancel can land in the gap.
				if (aggregation === null || !synthesizing()) {
					await discardReport(this.env.ARTIFACTS, state.tenantId, state.jobId);
					return;
				}
				// The job ends when its report says it did, so the report's duration is the job's.
				this.apply(job.reportStored(this.current(), aggregation, completedAt));
				await this.settleOwedWork();
			} catch (error) {
				console.error("report build failed", state.jobId, String(error));
				this.apply(job.reportFailed(this.current(), Date.now()));
			}
		})().finally(() => {
			this.finalizing = null;
		});
		return this.finalizing;
	}

	/** The job's model for a call the coordinator makes itself, booked to the job's budget and metrics. */
	private model(config: EffectiveConfig, role: "explorer" | "verifier"): CoordinatorModel | undefined {
		const ledger: CallLedger = {
			budget: () => this.current().budget,
			book: (call) => this.apply(job.bookCoordinatorCall(this.current(), call, Date.now())),
		};
		const down = openProviders(this.current().breakers, Date.now());
		return coordinatorModel(providerSettings(this.env), config, role, ledger, down);
	}

	// ─── Owed work ────────────────────────────────────────────────────────────────────────────────

	/**
	 * Tries everything the stored state says is owed: unsent webhook events, the D1 mirror, the quota slot,
	 * the learned pattern. One try runs at a time. An ended job that still owes something keeps an
	 * alarm armed, so the work is retried even after the object is evicted.
	 */
	private settleOwedWork(): Promise<void> {
		this.settling = this.settling.then(() => this.settleOnce());
		return this.settling;
	}

	private async settleOnce(): Promise<void> {
		if (this.outbox.hasUnsent()) await this.outbox.flush(this.env.WEBHOOKS);
		const state = this.store.state;
		if (!state) return;
		const owed = owedWork(state);
		if (!Object.values(owed).some(Boolean)) return;
		const outcome: job.OwedOutcome = {};
		const attempt = async (what: string, work: () => Promise<void>): Promise<boolean> => {
			try {
				await work();
				return true;
			} catch (error) {
				console.error(`${what} failed`, state.jobId, String(error));
				return false;
			}
		};
		// What clients see first: the job's row in D1 (job lists) and the tenant's slot; learning, the
		// slowest, last.
		if (owed.mirror && (await attempt("D1 sync", () => mirrorJob(this.env.DB, state, Date.now())))) {
			outcome.mirrorVersion = state.mirror.version;
		}
		if (owed.quotaRelease) {
			outcome.quotaReleased = await attempt("quota release", () =>
				this.env.TENANT_QUOTA.getByName(state.tenantId).release(state.jobId),
			);
		}
		const { trajectory } = state;
		if (owed.pattern && trajectory) {
			outcome.learned = await attempt("pattern record", () =>
				learnFromJob(this.env, state, trajectory, Date.now()),
			);
		}
		this.apply(job.owedSettled(this.current(), outcome, Date.now()));
		const current = this.current();
		if (TERMINAL_JOB_STATUSES.includes(current.status)) {
			const at = nextAlarmAt(current, this.outbox.hasUnsent(), Date.now());
			if (at !== null) await this.ctx.storage.setAlarm(at);
		}
	}

	// ─── Committing ───────────────────────────────────────────────────────────────────────────────

	/** Commits a transition (state, events and outbox in one transaction), feeds open streams, returns its answer. */
	private apply<Result>(transition: job.Transition<Result>): Result {
		const { state, events, effects, result } = transition;
		if (state === this.store.state) return result; // nothing changed
		const notify = effects.flatMap((effect) => (effect.kind === "notify" ? [effect.event] : []));
		this.streams.publish(this.store.commit({ state, events, notify }, Date.now()));
		return result;
	}

	/**
	 * Commits a transition and answers at once, its effects continuing under `waitUntil`: the answer is
	 * durable already, and a consumer's acknowledgement comes sooner (locally the next queue batch waits
	 * for it).
	 */
	private run<Result>(transition: job.Transition<Result>): Result {
		const result = this.apply(transition);
		this.ctx.waitUntil(this.perform(transition.effects));
		return result;
	}

	/** Commits a transition and performs its effects before returning, as the alarm does. */
	private async runNow(transition: job.Transition): Promise<void> {
		this.apply(transition);
		await this.perform(transition.effects);
	}

	private async perform(effects: job.Effect[]): Promise<void> {
		for (const effect of effects) {
			if (effect.kind === "dispatch") {
				try {
					const batch = effect.messages.map((body) => ({ body, contentType: "json" as const }));
					await this.env.AGENT_TASKS.sendBatch(batch);
				} catch (error) {
					// The leases are set; the watchdog re-dispatches these tasks if the send never happened.
					console.error("agent task dispatch failed", this.current().jobId, String(error));
				}
			}
			if (effect.kind === "synthesize") await this.ctx.storage.setAlarm(Date.now());
		}
		await this.settleOwedWork();
	}

	// ─── Lookups ──────────────────────────────────────────────────────────────────────────────────

	private owned(tenantId: string): JobState | null {
		const state = this.store.state;
		return state && state.tenantId === tenantId ? state : null;
	}

	/** The state of a job known to exist (every path that calls it started from a stored state). */
	private current(): JobState {
		const state = this.store.state;
		if (!state) throw new Error("the job has no state");
		return state;
	}
}
