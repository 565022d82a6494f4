# Sourced by the repo's entry scripts: puts Node >= 22.12 first on PATH. When the machine's Node is older,
# Node 22 is installed from the npm registry (the `node` package) into a cache folder outside the repo,
# with the user's own npm configuration (registry, proxy, CA file) from their global and user npmrc.
node_is_recent() {
	node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1)' 2>/dev/null
}

if ! node_is_recent; then
	node_prefix="${RESEARCH_SWARM_NODE_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/research-swarm/node22}"
	if [ ! -x "$node_prefix/node_modules/node/bin/node" ]; then
		# `--prefix` would also move npm's global config to $node_prefix/etc/npmrc; name the user's own instead.
		npm_global_config="$(npm config get globalconfig)"
		npm_user_config="$(npm config get userconfig)"
		echo "Node $(node --version 2>/dev/null || echo 'not found') is older than 22.12; installing Node 22 into $node_prefix" >&2
		echo "  from $(npm config get registry) with npm settings from $npm_global_config and $npm_user_config" >&2
		mkdir -p "$node_prefix"
		npm install --prefix "$node_prefix" --globalconfig "$npm_global_config" --userconfig "$npm_user_config" \
			--no-save --no-audit --no-fund --no-update-notifier --loglevel=error node@22 >&2
	fi
	export PATH="$node_prefix/node_modules/node/bin:$PATH"
	if ! node_is_recent; then
		echo "could not provide Node >= 22.12 (got $(node --version))" >&2
		exit 1
	fi
fi
