import { test, expect, appReady, screenshot } from "./fixtures";
import { Page, APIRequestContext } from "@playwright/test";
import { readFileSync } from "node:fs";

// Names unique per run: the suite shares one server.
const suffix = () => Math.random().toString(36).slice(2, 8);

async function signUp(page: Page, name: string, password: string) {
  await page.goto("/signup");
  await appReady(page);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("signed-in-user")).toHaveText(name);
}

async function revealKey(page: Page, password: string): Promise<string> {
  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Show API key" }).click();
  const key = (await page.getByTestId("api-key").textContent())!.trim();
  expect(key).toMatch(/^[0-9a-f]{40}$/);
  return key;
}

function basic(user: string, key: string) {
  return { Authorization: "Basic " + Buffer.from(`${user}:${key}`).toString("base64") };
}

async function upload(request: APIRequestContext, user: string, key: string, path: string, body: string) {
  const res = await request.put(path, { data: body, headers: basic(user, key) });
  expect(res.status(), await res.text()).toBe(201);
}

test("sign up, reveal the API key, create a repository and a package, publish, download, share", async ({
  page,
  browser,
  request,
  errors,
}) => {
  const user = `alice${suffix()}`;
  const password = "correct horse battery";
  await signUp(page, user, password);
  const key = await revealKey(page, password);
  await screenshot(page, "profile-api-key");

  // A wrong password is refused with a message, and the key stays as it was.
  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Show API key" }).click();
  await expect(page.getByRole("alert")).toHaveText("the password is not right");

  // Create a repository from the user's page.
  await page.getByTestId("signed-in-user").click();
  await expect(page).toHaveURL(new RegExp(`/${user}$`));
  // An empty user page says how to start, with its own "New repository" button.
  await page.getByTestId("empty-repositories").getByRole("link", { name: "New repository" }).click();
  await page.getByLabel("Name").fill("generic");
  await page.getByLabel("Description").fill("Build outputs");
  await page.getByRole("button", { name: "Create repository" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/generic$`));
  await expect(page.locator(".entity-kind")).toHaveText("Repository");
  await expect(page.getByText("Build outputs")).toBeVisible();

  // Create a package in it.
  await page.getByText("New package").click();
  await page.getByLabel("Name").fill("mypkg");
  await page.getByLabel("Description").fill("The tool everybody needs");
  await page.getByLabel("Licenses").fill("Apache-2.0, MIT");
  await page.getByRole("button", { name: "Create package" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/generic/mypkg$`));
  await expect(page.getByText("No versions yet.")).toBeVisible();

  // Upload and publish through the REST API with the revealed key.
  const content = `hello from ${user}\n`;
  await upload(request, user, key, `/content/${user}/generic/mypkg/1.0/dist/hello.txt?publish=1`, content);

  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("version-list").getByRole("link")).toHaveText(["1.0"]);
  await expect(page.getByText("latest 1.0")).toBeVisible();
  await expect(page.getByText("Apache-2.0, MIT")).toBeVisible();

  // Edit the package: a new description and website show at once; an empty field clears.
  await page.getByText("Edit package").click();
  await page.getByLabel("Description").fill("The tool everybody still needs");
  await page.getByLabel("Website").fill("https://tool.example.org");
  await page.getByLabel("Licenses").fill("MIT");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.locator(".lead")).toHaveText("The tool everybody still needs");
  await expect(page.getByRole("link", { name: "https://tool.example.org" })).toBeVisible();
  await expect(page.locator(".facts")).toContainText("MIT");
  await expect(page.locator(".facts")).not.toContainText("Apache-2.0");
  // A bad URL is refused with the server's message, and nothing changes. (The form may
  // still be open after the reload, or made anew and closed: open it either way.)
  await page.locator("details", { hasText: "Edit package" }).evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.getByLabel("Website").fill("ftp://nope");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert")).toHaveText("The website must start with http:// or https://.");
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("link", { name: "https://tool.example.org" })).toBeVisible();
  await expect(page.getByTestId("badge-markdown")).toContainText(`/packages/${user}/generic/mypkg/images/download.svg`);
  const badge = page.getByRole("img", { name: "Download badge" });
  await expect(badge).toBeVisible();
  expect(await badge.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  // The badge the page shows names the version just published, not a cached "none".
  const shown = await page.evaluate(async (src) => (await fetch(src)).text(), await badge.getAttribute("src"));
  expect(shown).toContain(">1.0<");
  await screenshot(page, "package-page");

  const notes = await request.post(`/packages/${user}/generic/mypkg/versions/1.0/release_notes`, {
    data: { bintray: { syntax: "markdown", content: "## Fixed\n\n* **everything** <script>window.pwned = 1</script>" } },
    headers: basic(user, key),
  });
  expect(notes.status()).toBe(200);
  await page.getByTestId("version-list").getByRole("link", { name: "1.0" }).click();
  await expect(page.getByTestId("release-notes").getByRole("heading", { name: "Fixed" })).toBeVisible();
  await expect(page.getByTestId("release-notes").locator("strong")).toHaveText("everything");
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  await expect(page).toHaveURL(new RegExp(`/${user}/generic/mypkg/1.0$`));
  const table = page.getByTestId("file-table");
  await expect(table.getByRole("cell", { name: "dist/hello.txt" })).toBeVisible();
  await expect(table).toContainText(`${content.length} B`);
  await screenshot(page, "version-page");

  // The download link gives back the same bytes.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    table.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("hello.txt");
  expect(readFileSync((await download.path())!, "utf8")).toBe(content);

  // The shared link, opened by someone who is not signed in, shows the public package.
  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto(`/${user}/generic/mypkg`);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("mypkg");
  await expect(visitor.getByText("The tool everybody still needs")).toBeVisible();
  await expect(visitor.getByRole("link", { name: "Sign in" }).first()).toBeVisible();

  // A private repository's package is not-found to the visitor, and visible to its owner.
  const api = { headers: basic(user, key) };
  expect((await request.post(`/repos/${user}/secret`, { data: { private: true }, ...api })).status()).toBe(201);
  expect((await request.post(`/packages/${user}/secret`, { data: { name: "hidden" }, ...api })).status()).toBe(201);
  await upload(request, user, key, `/content/${user}/secret/hidden/0.1/s.txt?publish=1`, "secret");
  await visitor.goto(`/${user}/secret/hidden`);
  await expect(visitor.getByTestId("not-found")).toBeVisible();
  await visitor.goto(`/${user}/secret/hidden/0.1`);
  await expect(visitor.getByTestId("not-found")).toBeVisible();
  await screenshot(visitor, "private-not-found");
  await anonymous.close();

  await page.goto(`/${user}/secret/hidden`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("hidden");
  await page.goto(`/${user}`);
  await expect(page.getByTestId("repository-list").getByRole("link")).toHaveText(["generic", "secret"]);
});

test("sign out and sign in again; wrong passwords are refused", async ({ page, errors }) => {
  const user = `bob${suffix()}`;
  await signUp(page, user, "bobs password");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("That user name and password do not match an account.");
  await page.getByLabel("Password").fill("bobs password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}$`));
  await expect(page.getByTestId("empty-repositories")).toContainText("You have no repositories yet.");
  await screenshot(page, "signed-in-empty-user");
});

test("upload a file from the browser with a progress bar", async ({ page, errors }) => {
  const user = `carol${suffix()}`;
  await signUp(page, user, "carols password");
  // The page's own session makes the repository and package (cookie + CSRF token).
  const csrf = (await (await page.request.get("/api/ui/session")).json()).csrf_token;
  const headers = { "X-CSRF-Token": csrf };
  expect((await page.request.post(`/repos/${user}/generic`, { data: {}, headers })).status()).toBe(201);
  expect((await page.request.post(`/packages/${user}/generic`, { data: { name: "uploads" }, headers })).status()).toBe(201);

  await page.goto(`/${user}/generic/uploads`);
  await appReady(page);
  await page.getByText("Upload a file").click();
  const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
  await page.locator("#field-upload-file").setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: bytes });
  await expect(page.getByLabel("Path in the repository")).toHaveValue("big.bin");
  await page.getByLabel("Version", { exact: true }).fill("3.0");

  // Slow the upload down so the progress bar can be seen moving.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1024 * 1024,
  });
  await page.getByRole("button", { name: "Upload" }).click();
  const bar = page.getByRole("progressbar", { name: "Upload progress" });
  await expect(bar).toBeVisible();
  await expect
    .poll(async () => Number(await bar.evaluate((p: HTMLProgressElement) => p.value)), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await screenshot(page, "upload-progress");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await expect(page).toHaveURL(new RegExp(`/${user}/generic/uploads/3.0$`), { timeout: 20_000 });
  const table = page.getByTestId("file-table");
  await expect(table.getByRole("cell", { name: "big.bin" })).toBeVisible();
  await expect(table).toContainText("3.0 MiB");

  // The same path again is refused, with the server's words.
  await page.goto(`/${user}/generic/uploads`);
  await page.getByText("Upload a file").click();
  await page.locator("#field-upload-file").setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.from("x") });
  await page.getByLabel("Version", { exact: true }).fill("3.0");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("alert")).toHaveText("Unable to upload files: An artifact with the path 'big.bin' already exists");
});
