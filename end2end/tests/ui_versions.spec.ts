import { test, expect, appReady, newAccount, signInAndLink, shots } from "./fixtures";
import type { Page } from "@playwright/test";

// Issue 10 items 1, 5, 6, 7 and 13: the package, version and repository pages.

const NOTES = [
  "# What's new",
  "",
  "## Fixes",
  "",
  "| Area | Change |",
  "|------|--------|",
  "| CLI | faster start |",
  "| Docs | https://example.org/a/very/long/address/that/keeps/going/and/going/without/any/break |",
  "",
  "> Upgrade at your leisure.",
  "",
  "- [x] shipped the fix",
  "- [ ] write the blog post",
].join("\n");

/** Screenshots from the top of the page (a full-page shot taken scrolled down draws the
 * sticky top bar in the middle). */
async function topShots(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shots(page, name);
}

/** Seeds a GitHub stand-in user with one repository of two releases and a pre-release. */
async function seed(page: Page, login: string) {
  const asset = (name: string) => [{ name, text: `${name}\n` }];
  const seeded = await page.request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        {
          owner: login,
          name: "greeter",
          description: "Says hello in twelve languages",
          releases: [
            { tag: "v1.0.0", body: "First release.", assets: asset("greeter-1.0.0.txt") },
            { tag: "v1.1.0", body: NOTES, assets: asset("greeter-1.1.0.txt") },
            { tag: "v1.2.0-rc.1", prerelease: true, body: "Try me.", assets: asset("greeter-1.2.0-rc.1.txt") },
          ],
        },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
}

/** Imports every release of `login/greeter` into `user/tools` through the browser's session. */
async function importGreeter(page: Page, user: string, login: string) {
  const session = await (await page.request.get("/api/ui/session")).json();
  const started = await page.request.post("/api/ui/imports", {
    data: {
      subject: user,
      repo: "tools",
      repos: [{ full_name: `${login}/greeter`, releases: "all" }],
      with_assets: true,
      publish: true,
    },
    headers: { "X-CSRF-Token": session.csrf_token },
  });
  expect(started.status(), await started.text()).toBe(201);
  const { id } = await started.json();
  await expect
    .poll(async () => (await (await page.request.get(`/api/ui/imports/${id}`)).json()).status, { timeout: 30_000 })
    .toBe("finished");
}

// Many pages and screenshots per test: more than the default 30 s on a loaded machine.
test.describe.configure({ timeout: 90_000 });

test("versions, notes, checksums, actions and the repository's package cards", async ({ page, request, errors }) => {
  test.setTimeout(120_000);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const login = `vr-${Math.random().toString(36).slice(2, 8)}`;
  const { user, password, call } = await newAccount(request, "vr");
  await call("post", `/repos/${user}/tools`, { type: "generic" });
  await call("post", `/packages/${user}/tools`, {
    name: "handmade",
    desc: "Made by hand, uploaded by CI",
    website_url: "https://example.org/a/rather/long/address/for/the/website/of/this/package/that/should/wrap/nicely",
  });
  await seed(page, login);
  await signInAndLink(page, user, password, login, false);
  await importGreeter(page, user, login);

  // Item 13: the repository lists its packages with description, latest and origin;
  // one page, so no pager; the owner's form comes after the list.
  await page.goto(`/${user}/tools`);
  await appReady(page);
  const list = page.getByTestId("package-list");
  const greeter = list.locator('[data-package="greeter"]');
  await expect(greeter).toContainText("Says hello in twelve languages");
  await expect(greeter).toContainText("latest v1.1.0");
  await expect(greeter).toContainText(`from GitHub ${login}/greeter`);
  await expect(list.locator('[data-package="handmade"]')).toContainText("Made by hand, uploaded by CI");
  await expect(page.getByTestId("pager")).toHaveCount(0);
  const order = await page.evaluate(() => {
    const listEl = document.querySelector('[data-testid="package-list"]')!;
    const form = [...document.querySelectorAll("summary")].find((s) => s.textContent === "New package")!;
    return listEl.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(order, "the New package form comes after the list").toBeTruthy();
  await topShots(page, "ui-repository-cards");

  // Item 1: the version list follows the rule; the pre-release is marked and not latest.
  await page.goto(`/${user}/tools/greeter`);
  await appReady(page);
  const rows = page.getByTestId("version-list").locator("li");
  const rest = await (await page.request.get(`/packages/${user}/tools/greeter`)).json();
  expect(rest.latest_version).toBe("v1.1.0");
  await expect(rows.locator(".version-main a")).toHaveText(rest.versions);
  await expect(page.getByTestId("latest-badge")).toHaveText("latest v1.1.0");
  const row = (v: string) => page.locator(`[data-version="${v}"]`);
  await expect(row("v1.2.0-rc.1")).toContainText("pre-release");
  await expect(row("v1.2.0-rc.1").locator(".badge-latest")).toHaveCount(0);
  await expect(row("v1.1.0").locator(".badge-latest")).toHaveText("latest");
  await expect(row("v1.0.0").locator("time")).toHaveText(/^\d{4}-\d\d-\d\d$/);
  await expect(row("v1.0.0")).toContainText("Released");
  await page.getByText("How “latest” is chosen").click();
  await expect(page.getByTestId("latest-rule")).toContainText("not a pre-release");
  // Item 7: the latest release's notes on the package page.
  await expect(page.locator("#latest-notes-title")).toContainText("v1.1.0");
  await expect(page.getByTestId("latest-release-notes").locator("h3")).toHaveText("What's new");
  // Item 13: the owner's forms come after the content.
  const formsAfter = await page.evaluate(() => {
    const notes = document.querySelector('[data-testid="latest-release-notes"]')!;
    const forms = document.querySelector('[data-testid="owner-forms"]')!;
    return notes.compareDocumentPosition(forms) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(formsAfter).toBeTruthy();
  await topShots(page, "ui-package-versions");

  // The owner marks v1.0.0 as latest: badge, list and the REST API agree; then back.
  await row("v1.0.0").getByRole("button", { name: "Mark as latest" }).click();
  await expect(page.getByTestId("latest-badge")).toHaveText("latest v1.0.0");
  await expect(row("v1.0.0").locator(".badge-latest")).toHaveText("latest · chosen by the owner");
  await expect(page.getByRole("status")).toHaveText("v1.0.0 is now marked as latest.");
  expect((await (await page.request.get(`/packages/${user}/tools/greeter`)).json()).latest_version).toBe("v1.0.0");
  await expect(page.locator("#latest-notes-title")).toContainText("v1.0.0");
  await topShots(page, "ui-package-pinned");
  await row("v1.0.0").getByRole("button", { name: "Use the automatic rule" }).click();
  await expect(page.getByTestId("latest-badge")).toHaveText("latest v1.1.0");
  expect((await (await page.request.get(`/packages/${user}/tools/greeter`)).json()).latest_version).toBe("v1.1.0");

  // Items 5, 6 and 7 on a published version: no Publish, the whole checksum, real notes.
  await page.goto(`/${user}/tools/greeter/v1.1.0`);
  await appReady(page);
  await expect(page.getByTestId("version-state")).toHaveText("Its file is published.");
  await expect(page.getByRole("button", { name: /^Publish/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Discard/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete version" })).toBeVisible();
  const files = await (await page.request.get(`/packages/${user}/tools/greeter/versions/v1.1.0/files`)).json();
  await expect(page.getByTestId("sha256")).toHaveText(files[0].sha256);
  expect(files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Copy SHA-256" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(files[0].sha256);
  const notes = page.getByTestId("release-notes");
  await expect(notes.locator("h3")).toHaveText("What's new");
  await expect(notes.locator("h4")).toHaveText("Fixes");
  await expect(notes.locator("th").first()).toHaveCSS("border-top-style", "solid");
  await expect(notes.locator("blockquote")).toHaveCSS("border-left-style", "solid");
  const ticks = notes.locator('input[type="checkbox"]');
  await expect(ticks).toHaveCount(2);
  await expect(ticks.first()).toBeChecked();
  await expect(ticks.first()).toBeDisabled();
  await expect(ticks.nth(1)).not.toBeChecked();
  const h2 = await page.locator("#notes-title").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const h3 = await notes.locator("h3").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(h3, "note headings are smaller than the card's").toBeLessThan(h2);
  await topShots(page, "ui-version-published");
  // On a phone the checksum is there, whole, and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("sha256")).toBeVisible();
  await expect(page.getByTestId("sha256")).toHaveText(files[0].sha256);
  const box = (await page.getByTestId("sha256").boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Item 5 on an unpublished version: only what applies, in plain words.
  for (const f of ["a.txt", "b.txt", "c.txt"]) {
    await call("put", `/content/${user}/tools/handmade/2.0/${f}`, `${f}\n`);
  }
  await page.goto(`/${user}/tools/handmade/2.0`);
  await appReady(page);
  await expect(page.getByTestId("version-state")).toContainText("3 files are not published yet");
  await expect(page.getByTestId("version-state").locator("li")).toHaveText(["a.txt", "b.txt", "c.txt"]);
  await expect(page.getByRole("button", { name: "Publish 3 files" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Discard 3 unpublished files" })).toBeVisible();
  await expect(page.getByTestId("file-table").getByText("not published")).toHaveCount(3);
  await topShots(page, "ui-version-unpublished");
  await page.getByRole("button", { name: "Publish 3 files" }).click();
  await expect(page.getByRole("status")).toHaveText("Published 3 files.");
  await expect(page.getByTestId("version-state")).toHaveText("All 3 files are published.");
  await expect(page.getByRole("button", { name: /^Publish/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Discard/ })).toHaveCount(0);

  // Item 13: long URLs wrap inside the card on a phone.
  await page.goto(`/${user}/tools/handmade`);
  await appReady(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const site = page.locator("a.url").first();
  const siteBox = (await site.boundingBox())!;
  expect(siteBox.x + siteBox.width).toBeLessThanOrEqual(390);
  await topShots(page, "ui-package-handmade");
});
