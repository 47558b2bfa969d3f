import { test, expect, appReady, newAccount, shots, expectNoSideScroll } from "./fixtures";

// Issue 10 item 12: the front page searches first and shows public repositories and
// recently published packages, never a private one.
// Many pages and screenshots per test: more than the default 30 s on a loaded machine.
test.describe.configure({ timeout: 90_000 });

test("the front page finds packages and lists public things only", async ({ page, request, errors }) => {
  const { user, call } = await newAccount(request, "front");
  await call("post", `/repos/${user}/tools`, { desc: "Command line tools" });
  await call("post", `/repos/${user}/hush`, { private: true });
  await call("post", `/packages/${user}/tools`, { name: "frontpage-cli", desc: "Finds things from the front page" });
  // Other specs on the same server publish public things named "secret…": this one's own name.
  const hidden = `frontpage-secret-${user}`;
  await call("post", `/packages/${user}/hush`, { name: hidden });
  await call("put", `/content/${user}/tools/frontpage-cli/1.2.0/cli.tgz?publish=1`, "x");
  await call("put", `/content/${user}/hush/${hidden}/9.9/secret.tgz?publish=1`, "y");

  await page.goto("/");
  await appReady(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/your own wharf/);
  const recent = page.getByTestId("recent-packages");
  await expect(recent).toContainText("frontpage-cli");
  await expect(recent).toContainText("1.2.0");
  await expect(page.getByTestId("public-repositories")).toContainText(`${user} / tools`);
  await expect(page.locator("main")).not.toContainText("frontpage-secret");
  await expect(page.locator("main")).not.toContainText("hush");
  await shots(page, "home-discover");

  const search = page.getByRole("searchbox", { name: "Search packages" });
  await search.fill("frontpage");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/\?q=frontpage$/);
  const results = page.getByTestId("search-results");
  await expect(results.getByRole("heading")).toHaveText("1 package matches “frontpage”");
  await expect(results).toContainText("frontpage-cli");
  await expect(results).not.toContainText("secret");
  await expectNoSideScroll(page, "home with results");
  await shots(page, "home-search");

  // By description too, and a search is a link.
  await page.goto("/?q=front%20page");
  await appReady(page);
  await expect(page.getByTestId("search-results")).toContainText("frontpage-cli");
  await page.getByTestId("search-results").getByRole("link", { name: "frontpage-cli" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/tools/frontpage-cli$`));

  // A private package is never found.
  await page.goto(`/?q=${hidden}`);
  await appReady(page);
  await expect(page.getByTestId("search-results").getByRole("heading")).toHaveText(`No packages match “${hidden}”`);
});
