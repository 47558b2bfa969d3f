import { test, expect, appReady, screenshot, newAccount, signIn, treeItem } from "./fixtures";

// The whole journey of the seed: authorize with GitHub (the stand-in), create a
// repository, Import from GitHub, tick and untick with the cascade, import with assets,
// watch the progress bar finish, and find packages, versions, notes and files.
test("import from GitHub: authorize, tick, import, view the repository", async ({ page, request, errors }) => {
  test.setTimeout(90_000);
  // Every answer the browser receives, to check that no GitHub token is among them.
  const answers: string[] = [];
  page.on("response", async (r) => {
    answers.push(JSON.stringify(r.headers()));
    try {
      answers.push(await r.text());
    } catch {
      // Redirects and aborted requests have no body.
    }
  });

  const { user, password } = await newAccount(request, "gh");
  await signIn(page, user, password);

  // Profile › Accounts › Authorize with GitHub → GitHub's page → Approve → back.
  await page.goto("/profile");
  await appReady(page);
  await expect(page.getByRole("checkbox", { name: "Access private repositories" })).toBeDisabled();
  await page.getByRole("button", { name: "Authorize with GitHub" }).click();
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("github-linked")).toBeVisible();
  // The profile read ?github=linked and dropped it from the address.
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("github-linked")).toContainText("octocat-demo");
  await screenshot(page, "github-linked");

  // A repository to import into, then Actions › Import from GitHub.
  await page.goto("/new");
  await page.getByLabel("Name").fill("github");
  await page.getByRole("button", { name: /Create repository/ }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/github$`));
  await page.getByText("Actions").click();
  await page.getByRole("menuitem", { name: "Import from GitHub" }).click();
  await expect(page).toHaveURL(new RegExp(`/import/${user}/github$`));

  const repo = (name: string) => page.getByRole("checkbox", { name: `octocat-demo/${name}`, exact: true });
  const release = (name: string, tag: string) =>
    page.getByRole("checkbox", { name: `octocat-demo/${name} ${tag}`, exact: true });
  await expect(repo("hello-tool")).toBeVisible();
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases");
  await expect(page.getByTestId("rate-budget")).toContainText("GitHub requests left");

  // Filter, expand, and the cascade.
  await page.getByRole("searchbox", { name: "Filter repositories" }).fill("hello");
  await expect(repo("tag-only")).toHaveCount(0);
  // Few releases in all: every repository starts open (issue 10 item 8).
  await expect(treeItem(page, "octocat-demo/hello-tool")).toHaveAttribute("aria-expanded", "true");
  await expect(release("hello-tool", "v1.0.0")).toBeVisible();
  await expect(release("hello-tool", "v2.0.0")).toHaveCount(0); // drafts are not offered

  await release("hello-tool", "v1.0.0").check();
  await expect(repo("hello-tool")).toHaveJSProperty("indeterminate", true);
  await expect(repo("hello-tool")).not.toBeChecked();
  await repo("hello-tool").click(); // an indeterminate box becomes fully ticked
  await expect(repo("hello-tool")).toBeChecked();
  await expect(repo("hello-tool")).toHaveJSProperty("indeterminate", false);
  for (const tag of ["v0.9.0", "v1.0.0", "v1.1.0", "v1.2.0-rc.1"]) {
    await expect(release("hello-tool", tag)).toBeChecked();
  }
  await release("hello-tool", "v0.9.0").uncheck();
  await expect(repo("hello-tool")).toHaveJSProperty("indeterminate", true);
  await expect(release("hello-tool", "v1.0.0")).toBeChecked();
  await repo("hello-tool").click();
  await repo("hello-tool").click(); // ticked whole, then unticked with all its releases
  await expect(release("hello-tool", "v1.0.0")).not.toBeChecked();
  await expect(repo("hello-tool")).toHaveJSProperty("indeterminate", false);
  // Back to the choice to import: everything but 0.9.0.
  await repo("hello-tool").check();
  await release("hello-tool", "v0.9.0").uncheck();

  // The selection survives the filter; another repository joins it.
  await page.getByRole("searchbox", { name: "Filter repositories" }).fill("");
  await repo("tag-only").check();
  await expect(page.getByTestId("import-counts")).toContainText("2 selected with 6 releases");
  await expect(repo("hello-tool")).toHaveJSProperty("indeterminate", true);
  await screenshot(page, "import-tree");

  await expect(page.getByLabel("Also import release assets as files")).toBeChecked();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\?job=\d+/);
  const bar = page.getByRole("progressbar", { name: "Import progress" });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("import-status")).toContainText("Finished: 2 repositories imported into", {
    timeout: 30_000,
  });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await screenshot(page, "import-finished");

  await page.getByRole("link", { name: "View Repository" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/github$`));
  const packages = page.getByTestId("package-list").getByRole("link");
  await expect(packages).toHaveText(["hello-tool", "tag-only"]);
  await packages.filter({ hasText: "hello-tool" }).click();
  await expect(page.locator(".lead")).toHaveText("A friendly command-line greeter");
  const versions = page.getByTestId("version-list").getByRole("link");
  await expect(versions).toHaveCount(3);
  await expect(versions.filter({ hasText: "v0.9.0" })).toHaveCount(0);
  await versions.filter({ hasText: /^v1\.0\.0$/ }).click();
  await expect(page.getByText("12 languages")).toBeVisible();
  await expect(page.getByTestId("file-table")).toContainText("SHA256SUMS.txt");
  await expect(page.getByTestId("file-table")).toContainText("hello-tool-1.0.0-x86_64-linux.tar.gz");
  await screenshot(page, "imported-version");

  // No answer the browser received carried a GitHub token.
  expect(answers.filter((a) => /gho_[A-Za-z0-9]{20,}/.test(a))).toEqual([]);
});
