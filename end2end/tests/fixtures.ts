import { test as base, expect, Page } from "@playwright/test";

// Every page must load without a JavaScript error or a console error: a wasm bundle that
// fails to start (a broken optimiser, a missing file) shows up here first.
export const test = base.extend<{ errors: string[] }>({
  errors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    await use(errors);
    expect(errors, "errors in the page").toEqual([]);
  },
});

export { expect };

/** Waits until the wasm app has mounted (the shell is rendered by the app, not the HTML). */
export async function appReady(page: Page) {
  await expect(page.getByRole("link", { name: /Wharf/ }).first()).toBeVisible();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}
