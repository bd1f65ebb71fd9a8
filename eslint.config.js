// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "agents/", "bench/results/", "docs/", "**/*.d.ts", "src/sandbox/web/dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  { files: ["bench/**", "src/main.ts", "src/sandbox/main.ts", "test/**"], rules: { "no-console": "off" } },
  {
    // The sandbox's web pages: plain browser ES modules (no build step), so browser globals.
    files: ["src/sandbox/web/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        ["window", "document", "location", "history", "navigator", "localStorage", "fetch", "EventSource", "URLSearchParams", "CSS", "console", "setTimeout", "clearTimeout"].map((name) => [name, "readonly"]),
      ),
    },
  },
);
