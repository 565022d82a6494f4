/** The validator scripts/build.mjs compiles from JobEventSchema into the dashboard's bundle. */
declare module "virtual:job-event-validator" {
	/** True when `value` matches JobEventSchema. */
	const isJobEvent: (value: unknown) => boolean;
	export default isJobEvent;
}
