/**
 * The frame of every dashboard page: navigation, the API key form and the page's content. The pages are
 * server-rendered skeletons; `/assets/dashboard.js` fills them from the public API in the browser.
 */
import type { Child } from "hono/jsx";

/** The dashboard's pages, as named in `data-page` for the client script. */
export type DashboardPage = "submit" | "jobs" | "job" | "report" | "learning";

export type LayoutProps = {
	page: DashboardPage;
	title: string;
	/** Local dev mode: the API answers without a key, as tenant `local`. */
	devMode: boolean;
	/** Extra `data-*` values the page's script reads, such as the job id. */
	data?: Record<string, string>;
	children: Child;
};

const NAV: { page: DashboardPage; href: string; label: string }[] = [
	{ page: "submit", href: "/", label: "New research" },
	{ page: "jobs", href: "/jobs", label: "Jobs" },
	{ page: "learning", href: "/learning", label: "Learning" },
];

/** A dashboard page: head, header with navigation and key form, and `children` as its main content. */
export function Layout({ page, title, devMode, data = {}, children }: LayoutProps) {
	const dataAttributes = Object.fromEntries(
		Object.entries(data).map(([name, value]) => [`data-${name}`, value]),
	);
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="referrer" content="no-referrer" />
				<title>{`${title} · research-swarm`}</title>
				<link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
				<link rel="stylesheet" href="/assets/dashboard.css" />
				<script type="module" src="/assets/dashboard.js" />
			</head>
			<body data-page={page} data-dev-mode={String(devMode)} {...dataAttributes}>
				<a class="skip" href="#main">
					Skip to content
				</a>
				<header class="site">
					<p class="brand">
						<a href="/">research-swarm</a>
					</p>
					<nav aria-label="Dashboard">
						<ul>
							{NAV.map((item) => (
								<li>
									<a href={item.href} aria-current={item.page === page ? "page" : undefined}>
										{item.label}
									</a>
								</li>
							))}
							<li>
								<a href="/openapi.json">API</a>
							</li>
						</ul>
					</nav>
					<form id="key-form" class="key-form" autocomplete="off">
						<label for="api-key">API key</label>
						<input
							id="api-key"
							name="apiKey"
							type="password"
							placeholder={devMode ? "not needed in dev mode" : "rs_live_…"}
						/>
						<button type="submit">Use key</button>
						<span id="key-status" class="muted" aria-live="polite">
							{devMode ? "local dev mode" : ""}
						</span>
					</form>
				</header>
				<div id="alert" class="alert" role="alert" hidden />
				<main id="main">
					<h1>{title}</h1>
					<noscript>
						<p class="alert">
							The dashboard needs JavaScript: it talks to the API from your browser, with your key.
						</p>
					</noscript>
					{children}
				</main>
			</body>
		</html>
	);
}
