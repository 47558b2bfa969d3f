import { test, expect, appReady, newAccount, signInAndLink, shots, Page, treeItem } from "./fixtures";

// Issue 10 item 11: the import tree is a WAI-ARIA tree view. One Tab stop (roving
// tabindex), Up/Down, Right opens or enters, Left closes or climbs, Home/End, Space ticks
// with the cascade; aria-level, aria-expanded, aria-checked ("mixed" when partly ticked).
// Driven by the keyboard only.

async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { role: el?.getAttribute("role") ?? el?.tagName ?? "", label: el?.querySelector(":scope > .check > .repo-name, :scope > .check > .tag-name")?.textContent ?? el?.getAttribute("aria-label") ?? "" };
  });
}

test("import tree: one tab stop, arrows, Home/End and Space as the tree view pattern says", async ({ page, request, errors }) => {
  test.setTimeout(90_000);
  const login = `kbd-${Math.random().toString(36).slice(2, 8)}`;
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        { owner: login, name: "alpha", description: "First", releases: [{ tag: "a1" }, { tag: "a2" }, { tag: "a3" }] },
        { owner: login, name: "beta", description: "Second", releases: [{ tag: "b1" }, { tag: "b2" }] },
        { owner: login, name: "gamma", description: "No releases at all" },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "kb");
  await call("post", `/repos/${user}/keys`, { type: "generic" });
  await signInAndLink(page, user, password, login, false);
  await page.goto(`/import/${user}/keys`);
  await appReady(page);
  const counts = page.getByTestId("import-counts");
  await expect(counts).toContainText("3 of 3 repositories shown");
  await expect(counts).not.toContainText("loading releases");

  const item = (name: string) => treeItem(page, name);
  const alpha = item(`${login}/alpha`);
  const beta = item(`${login}/beta`);
  const gamma = item(`${login}/gamma`);
  // Few releases: every repository starts open (domain::import_tree).
  await expect(alpha).toHaveAttribute("aria-expanded", "true");
  await expect(alpha).toHaveAttribute("aria-level", "1");
  await expect(item("a2")).toHaveAttribute("aria-level", "2");
  await expect(gamma).not.toHaveAttribute("aria-expanded", /.*/); // a leaf has none
  await expect(page.getByRole("tree")).toHaveAttribute("aria-multiselectable", "true");
  // A row is named from what it shows, in order: the repository first (label in name).
  await expect(alpha).toHaveAccessibleName(new RegExp(`^${login}/alpha\\b.*3 releases.*First`));
  await expect(gamma).toHaveAccessibleName(/no releases or tags.*No releases at all/);
  // The twisty is for the pointer: its tooltip says what it does, and it adds nothing to
  // the row's name (the row's aria-expanded says it).
  await expect(alpha.locator(".twisty")).toHaveAttribute("title", `Collapse ${login}/alpha`);
  await expect(alpha.locator(".twisty")).toHaveAttribute("aria-hidden", "true");

  // Exactly one row is in the tab order.
  await expect(page.locator('[role="treeitem"][tabindex="0"]')).toHaveCount(1);
  await expect(page.locator('.tree input, .tree button').and(page.locator(':not([tabindex="-1"])'))).toHaveCount(0);

  // Tab from the top of the page until the tree: it lands on the first repository.
  await page.locator("body").press("Tab");
  for (let i = 0; i < 40 && (await focused(page)).role !== "treeitem"; i++) await page.keyboard.press("Tab");
  expect(await focused(page)).toEqual({ role: "treeitem", label: `${login}/alpha` });
  // One more Tab leaves the tree (no second stop per repository).
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Also import release assets as files")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(alpha).toBeFocused();

  // GitHub lists the newest release first.
  await expect(page.locator(".release-row .tag-name")).toHaveText(["a3", "a2", "a1", "b2", "b1"]);
  // Down walks the visible rows, Up back; no wrapping at the ends.
  await page.keyboard.press("ArrowDown");
  await expect(item("a3")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(alpha).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(alpha).toBeFocused();

  // Left closes an open repository, then Down skips its hidden releases.
  await page.keyboard.press("ArrowLeft");
  await expect(alpha).toHaveAttribute("aria-expanded", "false");
  await expect(alpha.locator(".twisty")).toHaveAttribute("title", `Expand ${login}/alpha`);
  await expect(item("a3")).toHaveCount(0);
  await page.keyboard.press("ArrowDown");
  await expect(beta).toBeFocused();
  await page.keyboard.press("ArrowUp");
  // Right opens, Right again enters the first child, Left climbs back to the parent.
  await page.keyboard.press("ArrowRight");
  await expect(alpha).toHaveAttribute("aria-expanded", "true");
  await expect(alpha).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(item("a3")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(item("a2")).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(alpha).toBeFocused();

  // End and Home.
  await page.keyboard.press("End");
  await expect(gamma).toBeFocused();
  await page.keyboard.press("ArrowRight"); // a leaf: nothing
  await expect(gamma).toBeFocused();
  await page.keyboard.press("Home");
  await expect(alpha).toBeFocused();

  // Space ticks the repository with all its releases; unticking one release makes it mixed.
  await page.keyboard.press("Space");
  await expect(alpha).toHaveAttribute("aria-checked", "true");
  await expect(item("a1")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("checkbox", { name: `${login}/alpha`, exact: true })).toBeChecked();
  await expect(counts).toContainText("1 selected with 3 releases");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await expect(item("a3")).toHaveAttribute("aria-checked", "false");
  await expect(alpha).toHaveAttribute("aria-checked", "mixed");
  await expect(counts).toContainText("1 selected with 2 releases");
  // Ticking a release of an unticked repository ticks the repository (partly).
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowUp"); // b1
  await expect(item("b1")).toBeFocused();
  await page.keyboard.press("Space");
  await expect(beta).toHaveAttribute("aria-checked", "mixed");
  await expect(counts).toContainText("2 selected with 3 releases");

  // The tab stop follows the active row; Tab out and back returns to it.
  await expect(page.locator('[role="treeitem"][tabindex="0"]')).toHaveCount(1);
  await expect(item("b1")).toHaveAttribute("tabindex", "0");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+Tab");
  await expect(item("b1")).toBeFocused();
  // The filter drops the active row: the first row shown takes the tab stop.
  await page.getByRole("searchbox", { name: "Filter repositories" }).fill("gamma");
  await expect(gamma).toHaveAttribute("tabindex", "0");
  await page.getByRole("searchbox", { name: "Filter repositories" }).fill("");
  await page.getByRole("searchbox", { name: "Filter repositories" }).press("Tab"); // → Expand all
  await page.keyboard.press("Tab"); // → Collapse all
  await page.keyboard.press("Tab"); // → the tree
  await expect(page.locator('[role="treeitem"]:focus')).toHaveCount(1);

  await item("a2").focus();
  await shots(page, "import-tree-keyboard");
});

// Beyond 200 rows the tree is virtualised (only rows in view are in the DOM): the active
// row keeps the tab stop even when scrolled away, and End/Home scroll to it.
test("import tree: keys in a virtualised tree of 260 repositories", async ({ page, request, errors }) => {
  test.setTimeout(90_000);
  const login = `many-${Math.random().toString(36).slice(2, 8)}`;
  const repos = Array.from({ length: 260 }, (_, i) => ({ owner: login, name: `r${String(i).padStart(3, "0")}` }));
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, { data: { users: [{ login }], repos } });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "kv");
  await call("post", `/repos/${user}/many`, { type: "generic" });
  await signInAndLink(page, user, password, login, false);
  await page.goto(`/import/${user}/many`);
  await appReady(page);
  await expect(page.getByTestId("import-counts")).toContainText("260 of 260 repositories shown");
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases");
  await expect(page.locator(".tree")).not.toHaveClass(/flow/);
  // Far fewer rows in the DOM than repositories.
  expect(await page.locator(".tree-row").count()).toBeLessThan(80);

  const item = (n: number) => treeItem(page, `${login}/r${String(n).padStart(3, "0")}`);
  await item(0).click({ position: { x: 400, y: 10 } });
  await expect(item(0)).toBeFocused();
  await page.keyboard.press("End");
  await expect(item(259)).toBeFocused();
  await expect(item(259)).toBeInViewport();
  await expect(item(259)).toHaveAttribute("aria-posinset", "260");
  await expect(item(259)).toHaveAttribute("aria-setsize", "260");
  await page.keyboard.press("ArrowUp");
  await expect(item(258)).toBeFocused();
  await page.keyboard.press("Space");
  await expect(item(258)).toHaveAttribute("aria-checked", "true");
  // Scrolled back to the top by hand, the active row is still in the DOM and Tab-able.
  await page.locator(".tree").evaluate((t) => (t.scrollTop = 0));
  await expect(item(0)).toBeVisible();
  await expect(page.locator('[role="treeitem"][tabindex="0"]')).toHaveCount(1);
  await expect(item(258)).toHaveAttribute("tabindex", "0");
  await page.keyboard.press("Home");
  await expect(item(0)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(item(1)).toBeFocused();
});
