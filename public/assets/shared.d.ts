// Types of shared.js, which scripts/build.mjs bundles from src/browser.ts (`npm run build`).
export * from "../../src/browser.ts";
