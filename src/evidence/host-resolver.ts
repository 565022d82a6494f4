/**
 * Resolving a host name before the guarded fetch requests it. Workers' `fetch` takes a URL, not an
 * address, and resolves the name itself; under `wrangler dev` it then connects to whatever the name
 * points at, 127.0.0.1 included. Outside production the guarded fetch therefore asks a DNS-over-HTTPS
 * resolver (JSON API, `DOH_RESOLVER_URL`) for the name's A and AAAA records first and refuses the fetch
 * when any answer is a blocked address, when the name does not exist in public DNS (only a local
 * resolver or a hosts file could then resolve it), or when the resolver cannot answer: an unchecked name
 * is not fetched. The runtime resolves again when it connects, so a name that answers one way to this
 * lookup and another way a moment later (DNS rebinding) is not caught here.
 */
import { z } from "zod";

/** What a lookup of one host name found. */
export type HostLookup = { ok: true; addresses: string[] } | { ok: false; detail: string };

/** Looks up a host name's addresses; never throws (a failure is `{ok: false}`). */
export type HostResolver = (hostname: string, signal?: AbortSignal) => Promise<HostLookup>;

/** How long one lookup (both record types) may take. */
export const LOOKUP_TIMEOUT_MS = 3_000;

const RECORD_TYPES = { A: 1, AAAA: 28 } as const;

/** The answer of a DNS JSON API (Google's schema, which 1.1.1.1 follows); only the fields used here. */
const DnsJsonAnswerSchema = z.object({
	Status: z.number(),
	Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});

/** DNS response codes worth naming in a refusal. */
const RCODES: Record<number, string> = { 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED" };

type RecordAnswer = { addresses: string[] } | { detail: string };

async function queryRecords(
	resolverUrl: string,
	hostname: string,
	type: keyof typeof RECORD_TYPES,
	fetchImpl: typeof fetch,
	signal: AbortSignal,
): Promise<RecordAnswer> {
	const url = new URL(resolverUrl);
	url.searchParams.set("name", hostname);
	url.searchParams.set("type", type);
	const response = await fetchImpl(url.href, { headers: { accept: "application/dns-json" }, signal });
	if (!response.ok) {
		await response.body?.cancel();
		return { detail: `the resolver answered HTTP ${response.status}` };
	}
	const parsed = DnsJsonAnswerSchema.safeParse(await response.json().catch(() => null));
	if (!parsed.success) return { detail: "the resolver's answer is not DNS JSON" };
	if (parsed.data.Status !== 0) {
		const code = RCODES[parsed.data.Status] ?? `rcode ${parsed.data.Status}`;
		return { detail: `${hostname} does not resolve in public DNS (${code})` };
	}
	const wanted = RECORD_TYPES[type];
	return {
		addresses: (parsed.data.Answer ?? [])
			.filter((record) => record.type === wanted)
			.map((record) => record.data),
	};
}

/**
 * A resolver asking a DNS-over-HTTPS JSON endpoint for A and AAAA records.
 * @example
 * const resolve = dohResolver({ url: "https://cloudflare-dns.com/dns-query" });
 * await resolve("example.com"); // → { ok: true, addresses: ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] }
 */
export function dohResolver(options: { url: string; fetchImpl?: typeof fetch }): HostResolver {
	// Called as a plain function: the runtime's fetch throws "Illegal invocation" as another object's method.
	const fetchImpl = options.fetchImpl ?? fetch;
	return async (hostname, signal) => {
		const deadline = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
		const combined = signal === undefined ? deadline : AbortSignal.any([deadline, signal]);
		try {
			const answers = await Promise.all(
				(["A", "AAAA"] as const).map((type) =>
					queryRecords(options.url, hostname, type, fetchImpl, combined),
				),
			);
			const failed = answers.find((answer) => "detail" in answer);
			if (failed !== undefined && "detail" in failed) return { ok: false, detail: failed.detail };
			const addresses = answers.flatMap((answer) => ("addresses" in answer ? answer.addresses : []));
			if (addresses.length === 0) return { ok: false, detail: `${hostname} has no A or AAAA record` };
			return { ok: true, addresses };
		} catch (error) {
			const why = deadline.aborted ? `no answer within ${LOOKUP_TIMEOUT_MS} ms` : String(error);
			return { ok: false, detail: `the resolver could not be asked: ${why}` };
		}
	};
}

/**
 * The resolver the guarded fetch should use in this deployment: a DoH resolver at `DOH_RESOLVER_URL`,
 * or null when it is unset or empty (production, where the runtime does not reach private networks, and
 * the tests, which inject their own).
 * @example hostResolverFor({ ...env, DOH_RESOLVER_URL: "" }) // → null
 */
export function hostResolverFor(env: { DOH_RESOLVER_URL?: string }): HostResolver | null {
	const url = env.DOH_RESOLVER_URL ?? "";
	return url === "" ? null : dohResolver({ url });
}
