/** Fake provider secrets of the `providers` test project; tests assert none of them ever leaks. */
export const PROVIDER_SECRETS = {
	ANTHROPIC_API_KEY: "sk-ant-api03-TESTSECRET-anthropic-7f3c9a",
	OPENAI_API_KEY: "sk-proj-TESTSECRET-openai-51be02",
	GEMINI_API_KEY: "AIzaSyTESTSECRET-gemini-c0ffee",
	OPENROUTER_API_KEY: "sk-or-v1-TESTSECRET-openrouter-9d41aa",
	BRAVE_API_KEY: "BSA-TESTSECRET-brave-2e7f",
} as const;
