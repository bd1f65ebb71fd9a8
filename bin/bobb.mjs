#!/usr/bin/env node
// The `bobb` command (package.json "bin"): runs src/cli/main.ts through tsx, as npm start does.
import process from "node:process";
import { register } from "tsx/esm/api";

register();
process.env.BOBB_CLI_ENTRY = "1";
await import("../src/cli/main.ts");
