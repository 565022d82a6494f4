/** Global setup of the e2e tests: they run the command as the package ships it, built from the current sources. */
import { buildCli } from "../../scripts/build-package.mjs";

export default async function setup(): Promise<void> {
	await buildCli();
}
