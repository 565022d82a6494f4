/**
 * Accepting a research job: provider choice, idempotency, quota admission, attached sources, the job row
 * and the coordinator. `POST /v1/research` and the inbound webhooks both submit through here.
 */
import { accessSettings, tenantLimits } from "../auth/settings";
import { claimIdempotencyKey, database, findTenant, insertJob } from "../db/queries";
import type { SourceRequest } from "../evidence/ingest";
import { storeSnapshot } from "../evidence/snapshots";
import { canonicalJson, sha256Hex } from "../lib/hash";
import { newJobId } from "../lib/ids";
import { type JobAccepted, jobLinks, type ResearchRequest } from "../protocol";
import { chooseProvider, unpricedModel } from "../providers/router";
import { configuredProviders, providerSettings } from "../providers/settings";
import { resolveConfig } from "../swarm/config";
import { ApiError } from "./errors";
import { webhookTarget } from "./webhook-url";

/** 50 sources of up to 200 000 characters each, plus the rest of the body. */
export const MAX_BODY_BYTES = 12 * 1024 * 1024;

/**
 * Submits a validated research request for `tenantId` and returns the accepted job. The same
 * `idempotencyKey` with the same request returns the first job and starts nothing new; with a different
 * request it is a 409. Throws `ApiError` (400 for a `callbackUrl` webhooks cannot be delivered to, 409,
 * 422, 429) for requests that cannot be accepted.
 *
 * @example
 * const accepted = await submitJob(env, "tn_1", { task: "Heat pumps in cold climates" }, "hook:standard:msg_1");
 * // → { id: "job_…", status: "queued", links: { self: "/v1/research/job_…", … } }
 */
export async function submitJob(
	env: Env,
	tenantId: string,
	request: ResearchRequest,
	idempotencyKey?: string,
): Promise<JobAccepted> {
	if (request.callbackUrl !== undefined) webhookTarget(request.callbackUrl);
	const settings = providerSettings(env);
	const configured = configuredProviders(settings);
	const choice = chooseProvider(request.task, request.provider, configured, request.costOptimize ?? false);
	if ("error" in choice) {
		throw new ApiError(422, "provider_not_configured", `provider "${choice.requested}" is not configured`, {
			available: ["auto", ...configured],
		});
	}
	const unpriced =
		request.budgetUsd === undefined
			? null
			: unpricedModel(choice.provider, request.model ?? null, settings.modelOverrides);
	if (unpriced !== null) {
		throw new ApiError(
			422,
			"model_unpriced",
			`model "${unpriced}" has no price in the price table, so a budget cannot be enforced for it`,
			{ provider: choice.provider, model: unpriced },
		);
	}
	const config = resolveConfig({ ...request, provider: choice.provider }, { provider: choice.provider });
	const db = database(env.DB);
	const now = Date.now();
	let jobId = newJobId(now);
	if (idempotencyKey) {
		const claim = await claimIdempotencyKey(db, {
			tenantId,
			key: idempotencyKey,
			requestHash: await sha256Hex(canonicalJson(request)),
			jobId,
			now,
		});
		if (claim.conflict) {
			throw new ApiError(409, "idempotency_conflict", "this Idempotency-Key was used with a different body", {
				jobId: claim.jobId,
			});
		}
		jobId = claim.jobId;
	}
	const limits = tenantLimits(await findTenant(db, tenantId), accessSettings(env).limits);
	const admission = await env.TENANT_QUOTA.getByName(tenantId).admit(jobId, limits);
	if (!admission.admitted) {
		const what = admission.reason === "concurrent" ? "jobs running at once" : "jobs per day";
		throw new ApiError(
			429,
			"quota_exceeded",
			`this tenant may have ${admission.limit} ${what}`,
			{ reason: admission.reason, limit: admission.limit, retryAfterSeconds: admission.retryAfterSeconds },
			{ "retry-after": String(admission.retryAfterSeconds) },
		);
	}
	const sources = await Promise.all(
		(request.sources ?? []).map(async (source): Promise<SourceRequest> => {
			if ("url" in source) return { kind: "url", url: source.url, title: source.title ?? null };
			const snapshot = await storeSnapshot(env.ARTIFACTS, tenantId, source.text);
			return { kind: "text", title: source.title, ...snapshot };
		}),
	);
	const metadata = request.metadata ?? null;
	await insertJob(db, {
		id: jobId,
		tenantId,
		status: "queued",
		task: request.task,
		config: JSON.stringify(config),
		metadata: metadata ? JSON.stringify(metadata) : null,
		createdAt: now,
		updatedAt: now,
	});
	// The coordinator has persisted the job when this returns, so a 202 never names a lost job.
	const { status } = await env.SWARM_COORDINATOR.getByName(jobId).start({
		jobId,
		tenantId,
		task: request.task,
		config,
		metadata,
		sources,
		createdAt: now,
		callbackUrl: request.callbackUrl ?? null,
		explicit: {
			swarmSize: request.swarmSize !== undefined || request.singleAgent === true,
			provider: request.provider !== undefined && request.provider !== "auto",
		},
	});
	return { id: jobId, status, links: jobLinks(jobId) };
}
