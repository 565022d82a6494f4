/**
 * The dashboard's pages. Each is a server-rendered skeleton; the browser fills it through the public API
 * with the user's key, so the dashboard has no access the API does not give. Scripts and styles come
 * from `public/assets` (Workers static assets), and the policy allows nothing else to run.
 */
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../api/env";
import { accessSettings } from "../auth/settings";
import { configuredProviders, providerSettings } from "../providers/settings";
import { reportInlineSources } from "../synthesis/render-html";
import { JobPage } from "./job-page";
import { JobsFilterSchema, JobsPage } from "./jobs-page";
import { type DashboardPage, Layout } from "./layout";
import { LearningPage } from "./learning-page";
import { ReportPage } from "./report-page";
import { SubmitPage } from "./submit-page";

/** Job ids as the API makes them; anything else is not a page. */
const JOB_ID = "{[A-Za-z0-9_-]{1,64}}";

/**
 * Same-origin scripts, styles and API calls only. The report's own inline style and script are allowed by
 * hash because the report page shows it in a `srcdoc` frame, which inherits this policy.
 */
const dashboardSecurityHeaders = createMiddleware<AppEnv>(async (c, next) => {
	const report = await reportInlineSources();
	const headers = secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'none'"],
			scriptSrc: ["'self'", report.script],
			styleSrc: ["'self'", report.style],
			connectSrc: ["'self'"],
			imgSrc: ["'self'", "data:"],
			frameSrc: ["'self'"],
			baseUri: ["'none'"],
			formAction: ["'self'"],
			frameAncestors: ["'none'"],
		},
		referrerPolicy: "no-referrer",
	});
	return headers(c, next);
});

/** Renders one dashboard page inside the layout. */
function page(
	c: Context<AppEnv>,
	name: DashboardPage,
	title: string,
	content: Child,
	data?: Record<string, string>,
) {
	// Without the doctype a browser renders in quirks mode.
	return c.html(
		html`<!DOCTYPE html>${(
			<Layout page={name} title={title} devMode={accessSettings(c.env).devMode} {...(data ? { data } : {})}>
				{content}
			</Layout>
		)}`,
	);
}

export const dashboardRoutes = new Hono<AppEnv>()
	.use("/", dashboardSecurityHeaders)
	.use("/jobs", dashboardSecurityHeaders)
	.use("/jobs/*", dashboardSecurityHeaders)
	.use("/learning", dashboardSecurityHeaders)
	.get("/", (c) =>
		page(
			c,
			"submit",
			"New research",
			<SubmitPage providers={configuredProviders(providerSettings(c.env))} />,
		),
	)
	.get("/jobs", (c) => page(c, "jobs", "Jobs", <JobsPage filter={JobsFilterSchema.parse(c.req.query())} />))
	.get(`/jobs/:id${JOB_ID}`, (c) =>
		page(c, "job", "Job", <JobPage jobId={c.req.param("id")} />, { "job-id": c.req.param("id") }),
	)
	.get(`/jobs/:id${JOB_ID}/report`, (c) =>
		page(c, "report", "Report", <ReportPage jobId={c.req.param("id")} />, { "job-id": c.req.param("id") }),
	)
	.get("/learning", (c) => page(c, "learning", "Learning", <LearningPage />));
