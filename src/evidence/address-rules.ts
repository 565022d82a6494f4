/**
 * Address rules for outbound fetches: decides from the URL alone whether the service may fetch it, and
 * (`blockedAddress`) whether an address a name resolved to may be fetched.
 *
 * Workers' fetch takes a URL and resolves its name itself, so `checkUrl` judges the URL: the scheme,
 * credentials, the port, the host name, and literal IP addresses in any spelling. Where the guarded
 * fetch is given a resolver (outside production, `src/evidence/host-resolver.ts`), it also looks each
 * name up and judges every address with `blockedAddress`. On Cloudflare a Worker reaches private
 * networks only through bindings this service does not configure (Workers VPC, Tunnel); under
 * `wrangler dev` and in Node these rules are the only wall, which is why they are strict.
 *
 * Rules, in the order they are checked:
 * - scheme: only `http:` and `https:` (no file:, gopher:, data:, ftp: …).
 * - credentials: no `user:pass@` part (it smuggles secrets and confuses host parsing downstream).
 * - port: the scheme's default, or 80, 443, 8080, 8443. Public web content lives on these; any other
 *   port is far more likely to be an internal service (ssh 22, redis 6379, databases, admin panels).
 * - host names: single-label names (`localhost`, `metadata`, `intranet` — they resolve through local
 *   search domains) and names under suffixes that are never public: localhost, local, internal
 *   (covers metadata.google.internal), home.arpa, localdomain, lan, intranet, corp, home, private.
 *   Case and one trailing dot are ignored.
 * - IPv4 literals: the WHATWG URL parser already turns decimal (`2130706433`), octal (`0177.0.0.1`),
 *   hex (`0x7f.1`) and shortened (`127.1`) spellings into a dotted quad, so the dotted quad is
 *   classified against the reserved ranges in BLOCKED_IPV4.
 * - IPv6 literals: parsed into 128 bits (the URL parser compresses them, and may print an embedded
 *   IPv4 address as two hex groups) and classified against BLOCKED_IPV6; for the forms that carry an
 *   IPv4 address (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4
 *   2002::/16) the embedded IPv4 address is classified too.
 */

/** Why a URL was refused. */
export type BlockReason =
	| "invalid_url"
	| "scheme"
	| "credentials"
	| "port"
	| "blocked_host"
	| "private_address"
	| "unresolved";

/** The verdict on one URL: the parsed URL when it may be fetched, otherwise the reason and a detail. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: BlockReason; detail: string };

const ALLOWED_PROTOCOLS: ReadonlySet<string> = new Set(["http:", "https:"]);

/** The URL parser reports a scheme's default port as "", so "" means "default". */
const ALLOWED_PORTS: ReadonlySet<string> = new Set(["", "80", "443", "8080", "8443"]);

const NON_PUBLIC_SUFFIXES: readonly string[] = [
	"localhost",
	"local",
	"internal",
	"home.arpa",
	"localdomain",
	"lan",
	"intranet",
	"corp",
	"home",
	"private",
];

/** A reserved range: its base address, prefix length and what it is, e.g. "loopback (127.0.0.0/8)". */
type AddressRange = { base: string; bits: number; label: string };

/** Every reserved range refused, IPv4 and IPv6, in CIDR notation with what it is. */
const RESERVED_RANGES: ReadonlyArray<readonly [cidr: string, name: string]> = [
	["0.0.0.0/8", "this network"],
	["10.0.0.0/8", "private network"],
	["100.64.0.0/10", "carrier-grade NAT"],
	["127.0.0.0/8", "loopback"],
	["169.254.0.0/16", "link-local and cloud metadata"],
	["172.16.0.0/12", "private network"],
	["192.0.0.0/24", "IETF protocol assignments"],
	["192.0.2.0/24", "documentation"],
	["192.168.0.0/16", "private network"],
	["198.18.0.0/15", "benchmarking"],
	["198.51.100.0/24", "documentation"],
	["203.0.113.0/24", "documentation"],
	["224.0.0.0/4", "multicast"],
	["240.0.0.0/4", "reserved"],
	["255.255.255.255/32", "broadcast"],
	["::/128", "unspecified"],
	["::1/128", "loopback"],
	// Deprecated IPv4-compatible form; never a legitimate public destination.
	["::/96", "IPv4-compatible"],
	["100::/64", "discard-only"],
	["64:ff9b:1::/48", "local-use NAT64"],
	["2001:db8::/32", "documentation"],
	// Includes fd00:ec2::254, the AWS instance metadata service over IPv6.
	["fc00::/7", "unique local"],
	["fe80::/10", "link-local"],
	["fec0::/10", "site-local"],
	["ff00::/8", "multicast"],
];

/** A row of RESERVED_RANGES as a range; a single IPv6 address (/128) is labelled by the address alone. */
function addressRange([cidr, name]: readonly [string, string]): AddressRange {
	const [base = "", bits = ""] = cidr.split("/");
	const single = bits === "128";
	return { base, bits: Number(bits), label: `${name} (${single ? base : cidr})` };
}

const BLOCKED_IPV4: readonly AddressRange[] = RESERVED_RANGES.filter(([cidr]) => !cidr.includes(":")).map(
	addressRange,
);
const BLOCKED_IPV6: readonly AddressRange[] = RESERVED_RANGES.filter(([cidr]) => cidr.includes(":")).map(
	addressRange,
);

/** IPv6 ranges that carry an IPv4 address; `shift` is how many low bits sit below the IPv4 part. */
type Ipv4CarryingRange = AddressRange & { shift: number };

const IPV4_CARRYING_IPV6: readonly Ipv4CarryingRange[] = [
	{ base: "::ffff:0:0", bits: 96, shift: 0, label: "IPv4-mapped" },
	{ base: "::ffff:0:0:0", bits: 96, shift: 0, label: "IPv4-translated" },
	{ base: "64:ff9b::", bits: 96, shift: 0, label: "NAT64" },
	{ base: "2002::", bits: 16, shift: 80, label: "6to4" },
];

/**
 * Checks whether a URL may be fetched, from the URL alone.
 *
 * @example checkUrl("http://0x7f.1/") // → { ok: false, reason: "private_address", detail: "127.0.0.1 is loopback (127.0.0.0/8)" }
 * @example checkUrl("https://example.com/a") // → { ok: true, url: URL }
 */
export function checkUrl(url: string): UrlCheck {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return { ok: false, reason: "invalid_url", detail: `not an absolute URL: ${url}` };
	}
	if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) {
		return { ok: false, reason: "scheme", detail: `scheme ${parsed.protocol} is not http: or https:` };
	}
	if (parsed.username !== "" || parsed.password !== "") {
		return { ok: false, reason: "credentials", detail: "URLs with user names or passwords are not fetched" };
	}
	if (!ALLOWED_PORTS.has(parsed.port)) {
		return { ok: false, reason: "port", detail: `port ${parsed.port} is not one of 80, 443, 8080, 8443` };
	}
	const hostProblem = classifyHost(parsed.hostname);
	if (hostProblem !== null) return { ok: false, ...hostProblem };
	return { ok: true, url: parsed };
}

type HostProblem = { reason: "blocked_host" | "private_address"; detail: string };

/** Whether a URL's host (as `URL.hostname` gives it) is an IP address rather than a name to resolve. */
export function isIpHost(hostname: string): boolean {
	return hostname.startsWith("[") || parseDottedQuad(hostname) !== null;
}

/**
 * Why an address a host name resolved to may not be fetched (loopback, private, link-local, metadata, …,
 * as for literal addresses), or null when it is public. Takes the text DNS answers carry.
 * @example blockedAddress("127.0.0.1") // → "loopback (127.0.0.0/8)"
 * @example blockedAddress("2606:4700::6810:84e5") // → null
 */
export function blockedAddress(address: string): string | null {
	if (address.includes(":")) {
		const ipv6 = parseIpv6(address);
		return ipv6 === null ? `unparseable address ${address}` : classifyIpv6(ipv6);
	}
	const ipv4 = parseDottedQuad(address);
	return ipv4 === null ? `unparseable address ${address}` : classifyIpv4(ipv4);
}

function classifyHost(hostname: string): HostProblem | null {
	if (hostname.startsWith("[")) {
		const address = parseIpv6(hostname.slice(1, -1));
		if (address === null) return { reason: "private_address", detail: `unparseable IPv6 host ${hostname}` };
		const label = classifyIpv6(address);
		return label === null ? null : { reason: "private_address", detail: `${hostname} is ${label}` };
	}
	const ipv4 = parseDottedQuad(hostname);
	if (ipv4 !== null) {
		const label = classifyIpv4(ipv4);
		return label === null ? null : { reason: "private_address", detail: `${hostname} is ${label}` };
	}
	const name = hostname.toLowerCase().replace(/\.$/, "");
	if (!name.includes(".")) {
		return {
			reason: "blocked_host",
			detail: `single-label host ${hostname} resolves only on local networks`,
		};
	}
	const suffix = NON_PUBLIC_SUFFIXES.find((candidate) => name.endsWith(`.${candidate}`));
	if (suffix !== undefined) {
		return { reason: "blocked_host", detail: `host ${hostname} is under the non-public suffix .${suffix}` };
	}
	return null;
}

/** Parses the canonical dotted-quad form the URL parser produces; anything else is not an IPv4 host. */
function parseDottedQuad(text: string): number | null {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
	if (match === null) return null;
	const octets = match.slice(1).map(Number);
	if (octets.some((octet) => octet > 255)) return null;
	return octets.reduce((address, octet) => address * 256 + octet, 0);
}

function formatIpv4(address: number): string {
	return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

function classifyIpv4(address: number): string | null {
	for (const range of BLOCKED_IPV4) {
		const base = parseDottedQuad(range.base) ?? 0;
		const size = 2 ** (32 - range.bits);
		if (Math.floor(address / size) === Math.floor(base / size)) return range.label;
	}
	return null;
}

/**
 * Parses an IPv6 address (without brackets) into a 128-bit integer, accepting "::" compression
 * and a trailing dotted IPv4 part; returns null when the text is not an IPv6 address.
 */
function parseIpv6(text: string): bigint | null {
	let groupsText = text.toLowerCase();
	const lastColon = groupsText.lastIndexOf(":");
	const tail = groupsText.slice(lastColon + 1);
	if (tail.includes(".")) {
		const ipv4 = parseDottedQuad(tail);
		if (ipv4 === null) return null;
		const high = Math.floor(ipv4 / 0x10000).toString(16);
		const low = (ipv4 % 0x10000).toString(16);
		groupsText = `${groupsText.slice(0, lastColon + 1)}${high}:${low}`;
	}
	const halves = groupsText.split("::");
	if (halves.length > 2) return null;
	const splitGroups = (half: string): string[] => (half === "" ? [] : half.split(":"));
	const head = splitGroups(halves[0] ?? "");
	const rest = halves.length === 2 ? splitGroups(halves[1] ?? "") : [];
	const missing = 8 - head.length - rest.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
	const groups = [...head, ...Array<string>(missing).fill("0"), ...rest];
	if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
	return groups.reduce((address, group) => (address << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function inIpv6Range(address: bigint, range: AddressRange): boolean {
	const base = parseIpv6(range.base) ?? 0n;
	const hostBits = BigInt(128 - range.bits);
	return address >> hostBits === base >> hostBits;
}

function classifyIpv6(address: bigint): string | null {
	const blocked = BLOCKED_IPV6.find((range) => inIpv6Range(address, range));
	if (blocked !== undefined) return blocked.label;
	for (const range of IPV4_CARRYING_IPV6) {
		if (!inIpv6Range(address, range)) continue;
		const embedded = Number((address >> BigInt(range.shift)) & 0xffffffffn);
		const label = classifyIpv4(embedded);
		if (label !== null) return `${range.label} ${formatIpv4(embedded)}, ${label}`;
	}
	return null;
}
