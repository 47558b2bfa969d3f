import { test, expect, appReady, newAccount, signInAndLink, shots, Page, treeItem } from "./fixtures";

// Issue 10 item 8: the import page. The private-repositories note outweighs the rate-limit
// line; the tree is as tall as its content; few releases start open; releases are indented
// and lighter; what is already imported here is marked; nothing is clipped at 390 px.

const LONG =
  "A library with a long description that a phone must wrap rather than cut: parsers, printers, " +
  "a command-line front end, bindings for three languages, and more words so that it runs over several lines";

async function clipped(page: Page) {
  return page.evaluate(() => {
    const tree = document.querySelector(".tree")!.getBoundingClientRect();
    return [...document.querySelectorAll(".tree .row-note, .tree .row-desc, .tree .badge")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const e = el as HTMLElement;
        return e.scrollWidth > e.clientWidth + 1 || r.right > tree.right + 1 || r.left < tree.left - 1;
      })
      .map((el) => el.textContent);
  });
}

test("import page: weights, a tree sized to its content, open releases, imported marks, no clipping", async ({ page, request, errors }) => {
  test.setTimeout(120_000);
  const login = `page-${Math.random().toString(36).slice(2, 8)}`;
  const rel = (tag: string) => ({ tag, name: `Release ${tag}`, assets: [{ name: `tool-${tag}.txt`, text: `${tag}\n` }] });
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        { owner: login, name: "tool", description: "The tool", releases: [rel("v1.0.0"), rel("v1.1.0"), rel("v1.2.0"), rel("v2.0.0")] },
        { owner: login, name: "library-with-a-rather-long-name", description: LONG, releases: [{ tag: "v0.1.0" }] },
        { owner: login, name: "cli", description: "Command line", releases: [{ tag: "v3.0.0" }, { tag: "v3.1.0-rc1", prerelease: true }] },
        { owner: login, name: "docs", description: "Documentation" },
        { owner: login, name: "site", description: "Web site", tags: [{ name: "v0.0.1" }] },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "ip");
  await call("post", `/repos/${user}/page`, { type: "generic" });
  await signInAndLink(page, user, password, login, false);
  await page.goto(`/import/${user}/page`);
  await appReady(page);
  await expect(page.getByTestId("import-counts")).toContainText("5 of 5 repositories shown");
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases");

  // The private note is a message; the request budget a footnote.
  const note = page.getByTestId("private-note");
  await expect(note).toContainText("Only public repositories are listed");
  const size = async (sel: string) =>
    page.locator(sel).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(await size('[data-testid="private-note"]')).toBeGreaterThan(await size('[data-testid="rate-budget"]'));
  await expect(note.getByRole("link", { name: "Profile › Accounts" })).toHaveAttribute("href", "/profile#accounts");

  // Few releases: every repository is open; the tree is as tall as its rows.
  const item = (name: string) => treeItem(page, name);
  await expect(item(`${login}/tool`)).toHaveAttribute("aria-expanded", "true");
  await expect(item(`${login}/site`)).toHaveAttribute("aria-expanded", "true");
  const fits = await page.locator(".tree").evaluate((t) => ({
    client: t.clientHeight,
    scroll: t.scrollHeight,
    rows: [...t.querySelectorAll(".tree-row")].reduce((h, r) => h + r.getBoundingClientRect().height, 0),
  }));
  expect(fits.scroll).toBeLessThanOrEqual(fits.client + 1);
  expect(Math.abs(fits.client - fits.rows)).toBeLessThan(4);

  // Releases sit to the right of their repository's box and weigh less.
  const left = (sel: string) => page.locator(sel).first().evaluate((e) => e.getBoundingClientRect().left);
  expect(await left(".release-row input")).toBeGreaterThan(await left(".repo-row input") + 8);
  const weight = (sel: string) => page.locator(sel).first().evaluate((e) => Number(getComputedStyle(e).fontWeight));
  expect(await weight(".release-row .tag-name")).toBeLessThan(await weight(".repo-row .repo-name"));

  await shots(page, "import-page");
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await clipped(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Import three of tool's four releases, then come back: they are marked.
  await page.getByRole("checkbox", { name: `${login}/tool`, exact: true }).check();
  await page.getByRole("checkbox", { name: `${login}/tool v1.0.0`, exact: true }).uncheck();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\?job=\d+/);
  await expect(page.getByTestId("import-status")).toContainText("1 repository", { timeout: 30_000 });

  await page.goto(`/import/${user}/page`);
  await appReady(page);
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases");
  await expect(item(`${login}/tool`).getByTestId("repo-imported")).toHaveText("imported · 3 of 4 releases");
  // Screen readers hear it too: the badges and notes describe the row (QA F4).
  await expect(item(`${login}/tool`)).toHaveAccessibleName(/4 releases.*imported · 3 of 4 releases.*The tool/);
  await expect(item(`${login}/cli`)).toHaveAccessibleName(/2 releases.*Command line/);
  await expect(item("v3.1.0-rc1")).toHaveAccessibleName(/pre-release/);
  await expect(item("v2.0.0")).toHaveAccessibleName(/imported.*Release v2\.0\.0/);
  await expect(item(`${login}/cli`).getByTestId("repo-imported")).toHaveCount(0);
  for (const tag of ["v1.1.0", "v1.2.0", "v2.0.0"]) {
    await expect(item(tag).getByTestId("release-imported")).toHaveText("imported");
  }
  await expect(item("v1.0.0").getByTestId("release-imported")).toHaveCount(0);
  await shots(page, "import-page-imported");
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await clipped(page)).toEqual([]);
});
