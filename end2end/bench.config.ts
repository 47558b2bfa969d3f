import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// Benchmarks: run by scripts/bench-import.sh, never by the test suite. They print figures.
export default defineConfig({
  ...base,
  testDir: "./bench",
  // Not *.spec.ts, so that the test suite never picks them up.
  testMatch: "**/*.bench.ts",
  timeout: 600_000,
  expect: { timeout: 300_000 },
});
