import { test, expect, appReady, screenshot, newAccount } from "./fixtures";

test("home page renders the app shell and talks to the server", async ({ page, errors }) => {
  await page.goto("/");
  await appReady(page);
  await expect(page).toHaveTitle(/Wharf/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/your own wharf/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  // The footer's version comes from GET /healthz: the browser reached the API.
  const res = await page.request.get("/healthz");
  const health = await res.json();
  await expect(page.getByTestId("server-version")).toHaveText(`Wharf ${health.version}`);
  await screenshot(page, "home");
});

test("a deep link renders its view, survives a reload and navigates in-app", async ({ page, request, errors }) => {
  const { user, call } = await newAccount(request, "deep");
  await call("post", `/repos/${user}/generic`, { desc: "Files" });
  await call("post", `/packages/${user}/generic`, { name: "mypkg", desc: "A package" });
  await call("put", `/content/${user}/generic/mypkg/1.0/a.txt?publish=1`, "a");

  await page.goto(`/${user}/generic/mypkg/1.0`);
  await appReady(page);
  const checkVersionView = async () => {
    await expect(page.locator(".entity-kind")).toHaveText("Version");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("1.0");
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
    await expect(crumbs.getByRole("listitem")).toHaveText([user, "generic", "mypkg", "1.0"]);
    await expect(page).toHaveTitle("1.0 · Wharf");
  };
  await checkVersionView();
  await screenshot(page, "deep-link-version");

  const reloaded = await page.reload();
  expect(reloaded?.status()).toBe(200);
  await appReady(page);
  await checkVersionView();

  // Client-side navigation through the breadcrumbs: no full page load.
  const marker = await page.evaluate(() => ((window as any).__wharfMarker = Math.random()));
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "mypkg" }).click();
  await expect(page).toHaveURL(/\/generic\/mypkg$/);
  await expect(page.locator(".entity-kind")).toHaveText("Package");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("mypkg");
  expect(await page.evaluate(() => (window as any).__wharfMarker)).toBe(marker);

  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: user }).click();
  await expect(page.locator(".entity-kind")).toHaveText("User");
  await page.getByRole("link", { name: /Wharf/ }).first().click();
  await expect(page).toHaveURL(/\/$/);
});

test("every level of the URL has its own view", async ({ page, request, errors }) => {
  const { user, call } = await newAccount(request, "levels");
  await call("post", `/repos/${user}/docker`, { type: "docker" });
  await call("post", `/packages/${user}/docker`, { name: "library:nginx" });
  for (const [path, kind, title] of [
    [`/${user}`, "User", user],
    [`/${user}/docker`, "Repository", "docker"],
    [`/${user}/docker/library:nginx`, "Package", "library:nginx"],
  ]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(200);
    await appReady(page);
    await expect(page.locator(".entity-kind")).toHaveText(kind);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  }
});

test("unknown and invalid addresses show the not-found page", async ({ page, errors }) => {
  for (const path of ["/a/b/c/d/e", "/alice/generic/-bad-name", "/alice/gen%20eric", "/nobody-here", "/nobody/generic/pkg/1.0"]) {
    await page.goto(path);
    await appReady(page);
    await expect(page.getByTestId("not-found")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nothing here");
  }
  await screenshot(page, "not-found");
  await page.getByRole("link", { name: "Back to the start" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/your own wharf/);
});

test("the layout holds on a phone-sized screen", async ({ page, request, errors }) => {
  const { user, call } = await newAccount(request, "phone");
  await call("post", `/repos/${user}/generic`, {});
  await call("post", `/packages/${user}/generic`, { name: "mypkg" });
  await call("put", `/content/${user}/generic/mypkg/1.0/some/long/path/to/a-file-1.0.tar.gz?publish=1`, "x");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/${user}/generic/mypkg/1.0`);
  await appReady(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no horizontal scrolling").toBeLessThanOrEqual(0);
  await screenshot(page, "phone-version");
  await page.goto("/");
  await appReady(page);
  await screenshot(page, "phone-home");
});
