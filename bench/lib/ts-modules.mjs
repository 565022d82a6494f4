/**
 * Lets the benchmark import the project's TypeScript modules (`src/…`) straight from Node, so the figures
 * are computed with the same code the Worker runs: relative imports without an extension resolve to
 * `.ts` (or `/index.ts`), and `.ts` files outside node_modules are loaded with their types stripped.
 * Importing this module installs the hooks.
 */
import { existsSync, readFileSync } from "node:fs";
import { registerHooks, stripTypeScriptTypes } from "node:module";
import { fileURLToPath } from "node:url";

const RELATIVE = /^\.\.?\//;
const HAS_EXTENSION = /\.[cm]?[jt]sx?$|\.json$/;

registerHooks({
	resolve(specifier, context, nextResolve) {
		const parent = context.parentURL;
		if (parent?.endsWith(".ts") && RELATIVE.test(specifier) && !HAS_EXTENSION.test(specifier)) {
			const file = new URL(`${specifier}.ts`, parent);
			const target = existsSync(fileURLToPath(file)) ? file : new URL(`${specifier}/index.ts`, parent);
			return nextResolve(target.href, context);
		}
		return nextResolve(specifier, context);
	},
	load(url, context, nextLoad) {
		if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) {
			return nextLoad(url, context);
		}
		const source = readFileSync(fileURLToPath(url), "utf8");
		// "transform" also handles the few constructs that are not plain annotations (parameter properties).
		return {
			format: "module",
			source: stripTypeScriptTypes(source, { mode: "transform", sourceUrl: url }),
			shortCircuit: true,
		};
	},
});
