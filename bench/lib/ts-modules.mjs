/**
 * Lets the benchmark import the project's TypeScript modules (`src/…`) straight from Node, so the figures
 * are computed with the same code the Worker runs: relative imports without an extension resolve to
 * `.ts` (or `/index.ts`), `.ts` files outside node_modules are loaded with their types stripped, and the
 * project's JSON data files load as their default export, as the Worker's bundler loads them.
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
		// The Worker's bundlers import JSON data without an import attribute, which Node would refuse.
		if (url.startsWith("file:") && url.endsWith(".json") && !url.includes("/node_modules/")) {
			const data = readFileSync(fileURLToPath(url), "utf8");
			return { format: "module", source: `export default ${data};`, shortCircuit: true };
		}
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
