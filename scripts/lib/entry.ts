/** Runs a script's `main`, printing a failure as one message (not a stack trace) and exiting 1. */
export async function runEntry(name: string, main: () => Promise<void>): Promise<void> {
	try {
		await main();
	} catch (error) {
		console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	}
}
