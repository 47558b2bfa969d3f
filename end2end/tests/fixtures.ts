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
    // Every screenshot at phone width is also a check that the page fits it (issue 10 item 2).
    if (size === "phone") await expectFits(page, `${name} at ${width} px`);
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
  await expect(page.getByTestId("github-linked")).toBeVisible();
  // The profile read ?github=linked and dropped it from the address.
  await expect(page).toHaveURL(/\/profile$/);
}

/**
 * Checks the page at 360 and 390 px wide: no horizontal scroll (the document is no wider
 * than the viewport) and every link and button of the top bar wholly in view. Leaves the
 * viewport at desktop size.
 */
export async function expectNoSideScroll(page: Page, what = page.url()) {
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    // One frame for the layout to settle at the new width.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const m = await page.evaluate(() => {
      const vw = window.innerWidth;
      const clipped = [...document.querySelectorAll(".topbar a, .topbar button")]
        .map((e) => [e.textContent?.trim() ?? "", e.getBoundingClientRect()] as const)
        .filter(([, r]) => r.width > 0 && (r.left < 0 || r.right > vw + 0.5))
        .map(([t, r]) => `${t} (${Math.round(r.left)}–${Math.round(r.right)})`);
      // The widest things, to say what overflows when something does.
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > vw + 0.5)
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} → ${Math.round(e.getBoundingClientRect().right)}`);
      return { scroll: document.documentElement.scrollWidth, vw, clipped, wide };
    });
    expect(m.scroll, `${what} at ${width} px scrolls sideways: ${m.wide.join(", ")}`).toBeLessThanOrEqual(m.vw);
    expect(m.clipped, `${what} at ${width} px: top bar items out of view`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/**
 * A GitHub stand-in user of its own (a GitHub account links to one Wharf account at a
 * time) with a few repositories, one with a long name and description and several
 * releases; returns its login.
 */
export async function seedGithubUser(request: APIRequestContext, prefix: string) {
  const login = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const release = (tag: string) => ({ tag, assets: [{ name: `${tag}.sh`, text: `${tag}\n` }] });
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        {
          owner: login,
          name: "a-repository-with-a-rather-long-name-for-phones",
          description: "A description long enough to need more room than a phone gives it in one line",
          releases: [release("v1.0.0"), release("v1.1.0"), release("v2.0.0")],
        },
        { owner: login, name: "hello-tool", releases: [release("v1.0.0")] },
        { owner: login, name: "notes", releases: [release("v0.1.0")] },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  return login;
}

/** The page is no wider than the viewport at its present size (no sideways scroll). */
async function expectFits(page: Page, what: string) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    vw: window.innerWidth,
    wide: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
  }));
  expect(m.scroll, `${what} scrolls sideways: ${m.wide.join(", ")}`).toBeLessThanOrEqual(m.vw);
}

/** A row of the import tree by its repository's full name or its release's tag. A row is
 * named from its content (name, badges, counts, description), so it is found by the name
 * it shows rather than by an exact accessible name. */
export function treeItem(page: Page, name: string) {
  return page
    .getByRole("treeitem")
    .filter({ has: page.locator(":scope > .check > .repo-name, :scope > .check > .tag-name").getByText(name, { exact: true }) });
}
