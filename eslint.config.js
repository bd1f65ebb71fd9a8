// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";
import noImportCycle from "./eslint-rules/no-import-cycle.js";

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
  {
    // Typed rules: typescript-eslint's project service builds the program from tsconfig.json
    // (src, test, bench); the cycle rule reads its import graph.
    files: ["**/*.ts"],
    plugins: { local: { rules: { "no-import-cycle": noImportCycle } } },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "local/no-import-cycle": "error",
    },
  },
  { files: ["bench/**", "src/main.ts", "src/sandbox/main.ts", "test/**"], rules: { "no-console": "off" } },
  {
    // The sandbox's web pages: plain browser ES modules (no build step), so browser globals.
    files: ["src/sandbox/web/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        [
          "window",
          "document",
          "location",
          "history",
          "navigator",
          "localStorage",
          "fetch",
          "EventSource",
          "URLSearchParams",
          "CSS",
          "console",
          "setTimeout",
          "clearTimeout",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  // Last: turns off the stylistic rules Prettier owns.
  prettier,
);
