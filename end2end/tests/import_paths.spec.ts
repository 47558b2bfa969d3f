import { execFileSync } from "node:child_process";
import { test, expect, appReady, newAccount, signIn, shots, expectNoSideScroll } from "./fixtures";

// Issue 10 item 3: Import from GitHub is found from the user page, an empty repository and
// the profile once GitHub is linked (the Actions › Import from GitHub menu stays).
// Item 4: "Grant access to private repositories" widens the link without disconnecting,
// and a plan change shows without a reload.

function setPlan(user: string, plan: "premium" | "free") {
  execFileSync(process.env.WHARF_BIN!, ["user", "plan", user, plan], {
    env: { ...process.env, WHARF_DATA_DIR: process.env.WHARF_DATA_DIR_E2E, WHARF_LOG: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test("finding Import from GitHub, and granting private access without disconnecting", async ({ page, request, errors }) => {
  test.setTimeout(120_000);
  const login = `path-${Math.random().toString(36).slice(2, 8)}`;
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        { owner: login, name: "open", releases: [{ tag: "v1" }] },
        { owner: login, name: "hidden", private: true, releases: [{ tag: "v1" }] },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "pa");
  await signIn(page, user, password);

  // The user page with no repositories: how to start, and the Import chooser.
  await expect(page.getByTestId("empty-repositories")).toContainText("import them from GitHub");
  await expect(page.getByTestId("empty-repositories").getByRole("link", { name: "New repository" })).toBeVisible();
  const chooser = page.getByTestId("import-chooser");
  await expect(chooser).toBeVisible();
  await chooser.click();
  await expect(page.getByRole("link", { name: "Create a repository" })).toHaveAttribute("href", "/new");
  await shots(page, "import-paths-user-empty");

  // With a repository: the chooser offers it; it leads to its import page.
  await call("post", `/repos/${user}/first`, { type: "generic" });
  await page.reload();
  await appReady(page);
  await page.getByTestId("import-chooser").click();
  await page.getByRole("link", { name: "Import into first" }).click();
  await expect(page).toHaveURL(new RegExp(`/import/${user}/first$`));

  // The empty repository: a visible button, the empty list says it too, and the menu stays.
  await page.goto(`/${user}/first`);
  await appReady(page);
  const empty = page.getByTestId("empty-repository");
  await expect(empty).toContainText("This repository is empty");
  await expect(empty.getByRole("link", { name: "Import from GitHub" })).toHaveAttribute("href", `/import/${user}/first`);
  await expect(page.getByText("No packages to show yet.")).toBeVisible();
  await expect(page.getByText("No packages to show yet.").getByRole("link", { name: "Import from GitHub" })).toBeVisible();
  await page.getByText("Actions").click();
  await expect(page.getByRole("menuitem", { name: "Import from GitHub" })).toHaveAttribute("href", `/import/${user}/first`);
  await shots(page, "import-paths-empty-repository");

  // Authorize with GitHub: the profile says what to do next, with the way to import.
  await page.goto("/profile");
  await appReady(page);
  await page.getByRole("button", { name: "Authorize with GitHub" }).click();
  await page.getByLabel("Signed in as").selectOption(login);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("github-linked")).toBeVisible();
  // The profile read ?github=linked and dropped it from the address.
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("status")).toContainText("Next: choose a repository below to import into.");
  const next = page.getByTestId("import-next");
  await expect(next.getByRole("link", { name: "Import into first" })).toHaveAttribute("href", `/import/${user}/first`);

  // Free: the grant is explained, and waits for Premium.
  const grant = page.getByTestId("grant-private");
  await expect(grant).toContainText("nothing is disconnected or revoked");
  await expect(grant.getByRole("button", { name: "Grant access to private repositories" })).toBeDisabled();
  await expect(page.getByTestId("plan")).toHaveText("Free");
  await shots(page, "import-paths-profile-linked");
  // On a phone nothing sticks out of its card: the grant button wraps, Disconnect goes
  // under the account's words (QA F2).
  await expectNoSideScroll(page, "profile, GitHub linked");
  await page.setViewportSize({ width: 390, height: 844 });
  const inside = await page.locator("#accounts").evaluate((card) => {
    const box = card.getBoundingClientRect();
    return [...card.querySelectorAll(".button")]
      .filter((b) => b.getBoundingClientRect().right > box.right + 0.5 || b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.textContent);
  });
  expect(inside).toEqual([]);
  const words = page.getByTestId("github-linked").locator("p").first();
  expect((await words.boundingBox())!.height).toBeLessThan(50);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The administrator makes the account Premium: the page shows it without a reload.
  const marker = await page.evaluate(() => ((window as any).__noReload = Math.random()));
  setPlan(user, "premium");
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(page.getByTestId("plan")).toHaveText("Premium");
  await expect(grant.getByRole("button", { name: "Grant access to private repositories" })).toBeEnabled();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(marker);

  // Grant: GitHub asks again; afterwards private repositories can be imported, and the
  // account was never disconnected.
  await grant.getByRole("button", { name: "Grant access to private repositories" }).click();
  await page.getByLabel("Signed in as").selectOption(login);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toContainText("Wharf can now import your private repositories too.");
  // Said once: the address loses its ?github=granted, so a reload does not repeat it (QA F11).
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("github-linked")).toContainText("Public and private repositories can be imported.");
  await expect(page.getByTestId("grant-private")).toHaveCount(0);
  await shots(page, "import-paths-profile-granted");
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("github-linked")).toBeVisible();
  await expect(page.getByText("Wharf can now import your private repositories too.")).toHaveCount(0);

  await page.goto(`/import/${user}/first`);
  await appReady(page);
  await expect(page.getByRole("checkbox", { name: `${login}/hidden`, exact: true })).toBeVisible();
  await expect(page.getByTestId("private-note")).toHaveCount(0);
});
