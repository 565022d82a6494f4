/** `/v1/admin/tenants` (admin token) and `/v1/keys` (a tenant's own keys). A key's secret is shown once. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { generateApiKey, randomId } from "../auth/api-keys";
import { accessSettings, tenantLimits } from "../auth/settings";
import {
	createTenantWithKey,
	database,
	findTenant,
	insertApiKeyWithinCap,
	listApiKeys,
	revokeApiKey,
	updateTenantLimits,
} from "../db/queries";
import {
	CreatedKeySchema,
	CreatedTenantSchema,
	CreateKeyRequestSchema,
	CreateTenantRequestSchema,
	KeyListSchema,
	TenantLimitsSchema,
	UpdateTenantLimitsSchema,
} from "../wire/api-keys";
import { requireAdmin } from "./auth";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { endpoint, errorResponses, jsonBody, jsonResponse, resourceEndpoint } from "./openapi";
import { validationHook } from "./validation";

const createTenantRoute = createRoute({
	...endpoint("post", "/v1/admin/tenants", "Create a tenant and its first API key (admin token)"),
	middleware: [requireAdmin] as const,
	request: {
		body: jsonBody(CreateTenantRequestSchema),
	},
	responses: {
		201: jsonResponse("The tenant and its first key", CreatedTenantSchema),
		...errorResponses(400, 401, 413),
	},
});

const tenantResource = resourceEndpoint(
	"patch",
	"/v1/admin/tenants/{id}",
	"Change a tenant's limits (admin token)",
);
const updateTenantRoute = createRoute({
	...tenantResource,
	middleware: [requireAdmin] as const,
	request: { ...tenantResource.request, body: jsonBody(UpdateTenantLimitsSchema) },
	responses: {
		200: jsonResponse("The limits now in force", TenantLimitsSchema),
		...errorResponses(400, 401, 404, 413),
	},
});

const createKeyRoute = createRoute({
	...endpoint("post", "/v1/keys", "Create another API key for your tenant"),
	request: {
		body: jsonBody(CreateKeyRequestSchema),
	},
	responses: {
		201: jsonResponse("The new key", CreatedKeySchema),
		...errorResponses(400, 401, 409, 413, 429),
	},
});

const listKeysRoute = createRoute({
	...endpoint("get", "/v1/keys", "Your tenant's API keys (metadata only)"),
	responses: { 200: jsonResponse("Keys", KeyListSchema), ...errorResponses(401, 429) },
});

const revokeKeyRoute = createRoute({
	...resourceEndpoint("delete", "/v1/keys/{id}", "Revoke an API key"),
	responses: { 204: { description: "Revoked" }, ...errorResponses(401, 404, 429) },
});

function metadata(row: {
	id: string;
	name: string;
	prefix: string;
	createdAt: number;
	lastUsedAt: number | null;
	revokedAt: number | null;
}) {
	return {
		id: row.id,
		name: row.name,
		prefix: row.prefix,
		createdAt: row.createdAt,
		lastUsedAt: row.lastUsedAt,
		revokedAt: row.revokedAt,
	};
}

export const keyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.openapi(createTenantRoute, async (c) => {
		const body = c.req.valid("json");
		const now = Date.now();
		const tenant = {
			id: randomId("tn"),
			name: body.name,
			maxConcurrentJobs: body.maxConcurrentJobs ?? null,
			maxDailyJobs: body.maxDailyJobs ?? null,
			maxRequestsPerMinute: body.maxRequestsPerMinute ?? null,
			maxActiveKeys: body.maxActiveKeys ?? null,
			createdAt: now,
		};
		const generated = await generateApiKey(body.keyEnvironment);
		const key = {
			...metadata({ ...generated, name: "first key", createdAt: now, lastUsedAt: null, revokedAt: null }),
		};
		await createTenantWithKey(database(c.env.DB), tenant, {
			id: generated.id,
			tenantId: tenant.id,
			name: key.name,
			prefix: generated.prefix,
			hash: generated.hash,
			createdAt: now,
		});
		return c.json(
			{ tenant: { id: tenant.id, name: tenant.name }, apiKey: { ...key, key: generated.key } },
			201,
		);
	})
	.openapi(updateTenantRoute, async (c) => {
		const { id } = c.req.valid("param");
		const db = database(c.env.DB);
		if (!(await updateTenantLimits(db, id, c.req.valid("json")))) {
			throw new ApiError(404, "not_found", `no tenant ${id}`);
		}
		const limits = tenantLimits(await findTenant(db, id), accessSettings(c.env).limits);
		return c.json({ tenantId: id, ...limits }, 200);
	})
	.openapi(createKeyRoute, async (c) => {
		const { name, environment } = c.req.valid("json");
		const now = Date.now();
		const generated = await generateApiKey(environment);
		const db = database(c.env.DB);
		const { maxActiveKeys } = tenantLimits(
			await findTenant(db, c.var.tenantId),
			accessSettings(c.env).limits,
		);
		const key = {
			id: generated.id,
			tenantId: c.var.tenantId,
			name,
			prefix: generated.prefix,
			hash: generated.hash,
			createdAt: now,
		};
		if (!(await insertApiKeyWithinCap(db, key, maxActiveKeys))) {
			throw new ApiError(
				409,
				"key_limit",
				`this tenant may hold ${maxActiveKeys} unrevoked API keys; revoke one before creating another`,
				{ limit: maxActiveKeys },
			);
		}
		const created = metadata({ ...generated, name, createdAt: now, lastUsedAt: null, revokedAt: null });
		return c.json({ ...created, key: generated.key }, 201);
	})
	.openapi(listKeysRoute, async (c) => {
		const rows = await listApiKeys(database(c.env.DB), c.var.tenantId);
		return c.json({ keys: rows.map(metadata) }, 200);
	})
	.openapi(revokeKeyRoute, async (c) => {
		const { id } = c.req.valid("param");
		if (!(await revokeApiKey(database(c.env.DB), c.var.tenantId, id, Date.now()))) {
			throw new ApiError(404, "not_found", `no key ${id}`);
		}
		return c.body(null, 204);
	});
