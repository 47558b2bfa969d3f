import { test as base, expect, Page, APIRequestContext } from "@playwright/test";

// Every page must load without a JavaScript error or a console error: a wasm bundle that
// fails to start (a broken optimiser, a missing file) shows up here first.
export const test = base.extend<{ errors: string[] }>({
  errors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // The browser logs every 4xx answer to fetch(); the app shows those itself, and the
      // tests check what it shows. Anything else is an error in the page.
      const expectedHttp = /^Failed to load resource: the server responded with a status of 4\d\d/;
      if (m.type() === "error" && !expectedHttp.test(m.text())) errors.push(`console: ${m.text()}`);
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

/** A new account made through the API, with its API key, and a helper for its calls. */
export async function newAccount(request: APIRequestContext, prefix: string) {
  const user = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
  const password = "a long enough password";
  const signup = await request.post("/api/ui/signup", { data: { name: user, password } });
  expect(signup.status(), await signup.text()).toBe(201);
  const csrf = (await signup.json()).csrf_token as string;
  const reveal = await request.post("/api/ui/api-key/reveal", {
    data: { password },
    headers: { "X-CSRF-Token": csrf },
  });
  const key = (await reveal.json()).api_key as string;
  const auth = { Authorization: "Basic " + Buffer.from(`${user}:${key}`).toString("base64") };
  const call = async (method: "post" | "put", path: string, data: unknown) => {
    const res = await request[method](path, { data: data as any, headers: auth });
    expect(res.status(), `${method} ${path}: ${await res.text()}`).toBe(201);
  };
  return { user, password, key, call };
}

/** Screenshots at desktop and phone width, light and dark, to look at. */
export async function shots(page: Page, name: string) {
  for (const [width, height, size] of [[1280, 800, "desktop"], [390, 844, "phone"]] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await screenshot(page, `${name}-${size}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Signs in through the form and waits for the user's own page. */
export async function signIn(page: Page, user: string, password: string) {
  await page.goto("/signin");
  await appReady(page);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}$`));
}

/** Signs in through the form and links the given stand-in login, with or without private access. */
export async function signInAndLink(page: Page, user: string, password: string, login: string, privateAccess: boolean) {
  await signIn(page, user, password);
  await page.goto("/profile");
  await appReady(page);
  if (privateAccess) await page.getByRole("checkbox", { name: "Access private repositories" }).check();
  await page.getByRole("button", { name: "Authorize with GitHub" }).click();
  await page.getByLabel("Signed in as").selectOption(login);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/profile\?github=linked/);
}
