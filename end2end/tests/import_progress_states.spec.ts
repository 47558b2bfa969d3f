import { test, expect, appReady, newAccount, signInAndLink, shots, expectNoSideScroll, Page } from "./fixtures";

// Issue 10 item 9: the progress page. Finished, its title changes; it says "1 repository"
// and "1 file"; success and failure are clear states; a re-import says which versions
// were new, updated or unchanged.

async function importRepos(page: Page, user: string, repo: string, names: string[]) {
  await page.goto(`/import/${user}/${repo}`);
  await appReady(page);
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases");
  for (const n of names) await page.getByRole("checkbox", { name: n, exact: true }).check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\?job=\d+/);
  await expect(page.getByTestId("import-status")).toContainText("Finished", { timeout: 30_000 });
}

// GitHub's longest repository name: 100 characters, no spaces.
const LONG_NAME = "a-repository-name-of-a-hundred-characters-without-a-single-space-".padEnd(100, "x");

/** The WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string) {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("import progress: titled and worded by its outcome, re-imports say what changed", async ({ page, request, errors }) => {
  test.setTimeout(120_000);
  const login = `st-${Math.random().toString(36).slice(2, 8)}`;
  const seed = (data: unknown) =>
    request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, { data }).then(async (r) => {
      expect(r.status(), await r.text()).toBe(204);
    });
  await seed({
    users: [{ login }],
    repos: [
      { owner: login, name: "solo", releases: [{ tag: "v1.0.0", name: "One", assets: [{ name: "solo.sh", text: "echo 1\n" }] }] },
      { owner: login, name: LONG_NAME, releases: [{ tag: "v1.0.0" }] },
      { owner: login, name: "empty", description: "Nothing released yet" },
      {
        owner: login,
        name: "broken",
        releases: [{ tag: "v1.0.0", assets: [{ name: "bad.bin", text: "x", digest: "sha256:" + "0".repeat(64) }] }],
      },
    ],
  });
  const { user, password, call } = await newAccount(request, "ps");
  await call("post", `/repos/${user}/states`, { type: "generic" });
  await signInAndLink(page, user, password, login, false);

  // A first import: success, in the singular.
  await importRepos(page, user, "states", [`${login}/solo`]);
  const title = page.getByTestId("import-title");
  const status = page.getByTestId("import-status");
  await expect(title).toHaveText("Imported from GitHub");
  await expect(page).toHaveTitle(`Imported from GitHub · ${user}/states · Wharf`);
  await expect(status).toHaveText(`✓Finished: 1 repository imported into ${user}/states, with 1 file.`);
  await expect(status).toHaveAttribute("role", "status");
  const solo = page.locator(`[data-repo="${login}/solo"]`);
  await expect(solo.getByTestId("item-counts")).toHaveText("1 new version · 1 file");
  await expect(solo.locator(".status")).toHaveText("imported");
  await expect(page.getByTestId("import-outcomes")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "View Repository" })).toHaveClass(/button(?! button-ghost)/);
  await shots(page, "import-progress-success");

  // GitHub gets a new release; importing again says what is new and what is unchanged.
  await seed({
    repos: [{ owner: login, name: "solo", releases: [{ tag: "v1.1.0", name: "One point one", assets: [{ name: "solo.sh", text: "echo 1.1\n" }] }] }],
  });
  await importRepos(page, user, "states", [`${login}/solo`]);
  await expect(title).toHaveText("Imported from GitHub");
  await expect(solo.getByTestId("item-counts")).toHaveText("2 versions: 1 new, 1 unchanged · 2 files");
  await expect(solo.locator('[data-outcome="new"]')).toHaveText("new v1.1.0");
  await expect(solo.locator('[data-outcome="unchanged"]')).toHaveText("unchanged v1.0.0");
  await expect(solo.locator('[data-outcome="updated"]')).toHaveCount(0);
  await shots(page, "import-progress-reimport");

  // A repository whose asset does not match its digest: a clear failure, with Retry.
  await importRepos(page, user, "states", [`${login}/broken`]);
  await expect(title).toHaveText("Import from GitHub failed");
  await expect(page).toHaveTitle(`Import from GitHub failed · ${user}/states · Wharf`);
  await expect(status).toHaveAttribute("role", "alert");
  await expect(status).toContainText("The repository could not be imported completely. Retry it, or see why below.");
  await expect(page.locator(`[data-repo="${login}/broken"] .status`)).toHaveText("failed");
  // Its version lacks its file: failed, not new (QA F5).
  await expect(page.locator(`[data-repo="${login}/broken"] [data-outcome="failed"]`)).toHaveText("failed v1.0.0");
  const red = await page.locator(`[data-repo="${login}/broken"] .status`).evaluate((e) => getComputedStyle(e).color);
  await expect(page.locator(`[data-repo="${login}/broken"] .outcome-failed`)).toHaveCSS("color", red);
  await expect(page.getByRole("button", { name: "Retry failed" })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveClass(/progress-failed/);
  await shots(page, "import-progress-failed");

  // Failure's red reads on the card in dark mode as in light (QA F3): ≥ 4.5:1.
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const [fg, bg] = await page.locator(`[data-repo="${login}/broken"] .status`).evaluate((e) => [
      getComputedStyle(e).color,
      getComputedStyle(e.closest(".card")!).backgroundColor,
    ]);
    expect(contrast(fg, bg), `${colorScheme}: ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  }
  await page.emulateMedia({ colorScheme: null });

  // A repository with neither releases nor tags: a package, and the page says so (QA F6).
  await importRepos(page, user, "states", [`${login}/empty`]);
  await expect(page.locator(`[data-repo="${login}/empty"]`).getByTestId("item-counts")).toHaveText(
    "no releases or tags: an empty package was created",
  );

  // A 100-character name wraps on a phone, its package link too (QA F1).
  await importRepos(page, user, "states", [`${login}/${LONG_NAME}`]);
  await expect(page.locator(`[data-repo="${login}/${LONG_NAME}"]`).getByRole("link", { name: LONG_NAME })).toBeVisible();
  await expectNoSideScroll(page, "progress page with a 100-character name");
  await page.setViewportSize({ width: 390, height: 844 });
  await shots(page, "import-progress-long-name");
});
