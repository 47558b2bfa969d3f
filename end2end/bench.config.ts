import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// Benchmarks: run by scripts/bench-import.sh, never by the test suite. They print figures.
export default defineConfig({
  ...base,
  testDir: "./bench",
  timeout: 600_000,
  expect: { timeout: 300_000 },
});
