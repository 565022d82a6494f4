/**
 * Choosing the server a command talks to: the one named by `--url` (or RESEARCH_SWARM_URL), or else a local
 * Worker the CLI starts with `wrangler dev` for the command and stops afterwards, also on errors and Ctrl-C.
 */
import { applyLocalMigrations, canRunLocally, freePort, startLocalWorker } from "../scripts/local-worker.mjs";
import { type Fetch, ResearchSwarmClient } from "../src/client/index.ts";
import { type CliContext, type ServerFlags, writeLines } from "./context.ts";
import { CliError, EXIT, interrupted } from "./errors.ts";

export type Session = {
	client: ResearchSwarmClient;
	/** True when the server is a local Worker that stops when the command ends. */
	local: boolean;
};

type LocalWorker = { url: string; stop(): void };

/** The server's base URL from `--url`, checked to be an http(s) address. */
export function checkedServerUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new CliError(`--url ${url}: not a URL`, EXIT.usage);
	}
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
		throw new CliError(`--url ${url}: only http and https servers are supported`, EXIT.usage);
	}
	return url;
}

/** Starts the local Worker (after applying the D1 migrations), giving up cleanly on Ctrl-C. */
async function startWorker(flags: ServerFlags, context: CliContext): Promise<LocalWorker> {
	const { signal } = context.interrupts;
	if (!canRunLocally()) {
		throw new CliError(
			"no server: pass --url (or set RESEARCH_SWARM_URL); a local Worker runs only from a clone of research-swarm",
			EXIT.usage,
		);
	}
	writeLines(context.stderr, ["starting a local Worker (wrangler dev); pass --url to use a running server"]);
	try {
		applyLocalMigrations(flags.stateDir);
	} catch (error) {
		if (signal.aborted) throw interrupted();
		throw new CliError(`the local Worker could not start: ${(error as Error).message}`, EXIT.unreachable);
	}
	if (signal.aborted) throw interrupted();
	const starting: Promise<LocalWorker> = startLocalWorker(await freePort(), {
		...(flags.stateDir ? { persistTo: flags.stateDir } : {}),
	});
	const aborted = new Promise<null>((resolve) => {
		if (signal.aborted) resolve(null);
		signal.addEventListener("abort", () => resolve(null), { once: true });
	});
	let worker: LocalWorker | null;
	try {
		worker = await Promise.race([starting, aborted]);
	} catch (error) {
		throw new CliError(`the local Worker could not start: ${(error as Error).message}`, EXIT.unreachable);
	}
	if (worker === null) {
		// wrangler is still starting; stop it as soon as it is up rather than leave it running.
		starting.then((late) => late.stop()).catch(() => {});
		throw interrupted();
	}
	return worker;
}

/**
 * A client of `baseUrl` whose requests Ctrl-C aborts, unless a call brings its own signal (the cancel sent
 * after Ctrl-C must still go out).
 */
function clientFor(baseUrl: string, apiKey: string | null, context: CliContext): ResearchSwarmClient {
	const fetchUntilInterrupted: Fetch = (input, init) =>
		fetch(input, { ...init, signal: init.signal ?? context.interrupts.signal });
	return new ResearchSwarmClient({ baseUrl, apiKey, fetch: fetchUntilInterrupted });
}

/** Runs `command` against the chosen server; a local Worker is stopped when it settles. */
export async function withServer<T>(
	flags: ServerFlags,
	context: CliContext,
	command: (session: Session) => Promise<T>,
): Promise<T> {
	const apiKey = flags.apiKey || null;
	if (flags.url) {
		return command({ client: clientFor(checkedServerUrl(flags.url), apiKey, context), local: false });
	}
	const worker = await startWorker(flags, context);
	const forget = context.interrupts.onForcedExit(() => worker.stop());
	try {
		return await command({ client: clientFor(worker.url, apiKey, context), local: true });
	} finally {
		forget();
		worker.stop();
	}
}
