import { execFileSync } from "node:child_process";
import { test, expect, appReady, newAccount, shots, signInAndLink } from "./fixtures";

// Two GitHub repositories with the same name would become one package: the tree says so
// before Import (and Import stays off), as does a repository whose package already exists
// here without having come from it.
test("import from GitHub: name collisions show in the tree before Import", async ({ page, request, errors }) => {
  test.setTimeout(60_000);
  // A GitHub user of its own (a GitHub account links to one Wharf account at a time), an
  // organisation it belongs to, and three repositories: two named "dotfiles", one "notes".
  const suffix = Math.random().toString(36).slice(2, 8);
  const login = `dots-${suffix}`;
  const org = `dots-org-${suffix}`;
  const release = (text: string) => [{ tag: "v1", assets: [{ name: "install.sh", text }] }];
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }, { login: org, type: "Organization", members: [login] }],
      repos: [
        { owner: login, name: "dotfiles", releases: release("echo mine\n") },
        { owner: org, name: "dotfiles", releases: release("echo org\n") },
        { owner: login, name: "notes", releases: release("echo notes\n") },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);

  const { user, password, call } = await newAccount(request, "dc");
  await call("post", `/repos/${user}/dots`, { type: "generic" });
  // A package made by hand with the name a GitHub repository would take.
  await call("post", `/packages/${user}/dots`, { name: "notes" });

  await signInAndLink(page, user, password, login, false);

  await page.goto(`/import/${user}/dots`);
  await appReady(page);
  const repo = (name: string) => page.getByRole("checkbox", { name, exact: true });
  const mine = repo(`${login}/dotfiles`);
  const theirs = repo(`${org}/dotfiles`);
  const notes = repo(`${login}/notes`);
  await expect(mine).toBeVisible();
  await expect(theirs).toBeVisible();
  const importButton = page.getByRole("button", { name: "Import", exact: true });

  // Unticked, "notes" already says that its package exists and is left alone.
  await expect(notes).toHaveAccessibleDescription(/“notes”, which already exists and was not imported from GitHub/);
  await expect(mine).not.toHaveAttribute("aria-describedby", /.+/);

  // Both "dotfiles": both rows and a summary say so, and Import is off.
  await mine.check();
  await expect(importButton).toBeEnabled();
  await theirs.check();
  const collisions = page.getByTestId("import-collisions");
  await expect(collisions).toBeVisible();
  await expect(collisions).toContainText("would both become the package “dotfiles”");
  await expect(collisions).toContainText(`${org}/dotfiles`);
  await expect(collisions).toContainText(`${login}/dotfiles`);
  await expect(mine).toHaveAccessibleDescription(/would both become the package “dotfiles”/);
  await expect(theirs).toHaveAccessibleDescription(/would both become the package “dotfiles”/);
  await expect(page.getByTestId("repo-conflict")).toHaveCount(3);
  await expect(importButton).toBeDisabled();
  await shots(page, "import-collisions");

  // Untick one: the collision is gone and Import is back.
  await theirs.uncheck();
  await expect(collisions).toHaveCount(0);
  await expect(theirs).not.toHaveAttribute("aria-describedby", /.+/);
  await expect(importButton).toBeEnabled();

  // Ticking the repository whose package was made by hand is refused in the same way.
  await notes.check();
  await expect(collisions).toContainText("“notes”, which already exists and was not imported from GitHub");
  await expect(importButton).toBeDisabled();
});

// A private GitHub repository going into a public Wharf repository: the tree says plainly
// that its files become public, and Import waits for an explicit confirmation.
test("import from GitHub: private into public needs a confirmation", async ({ page, request, errors }) => {
  test.setTimeout(60_000);
  const suffix = Math.random().toString(36).slice(2, 8);
  const login = `priv-${suffix}`;
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        { owner: login, name: "secret-tool", private: true, releases: [{ tag: "v1", assets: [{ name: "s.sh", text: "secret\n" }] }] },
        { owner: login, name: "open-tool", releases: [{ tag: "v1", assets: [{ name: "o.sh", text: "open\n" }] }] },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "pp");
  // Premium, so that private repositories may be listed (the administrator's command).
  execFileSync(process.env.WHARF_BIN!, ["user", "plan", user, "premium"], {
    env: { ...process.env, WHARF_DATA_DIR: process.env.WHARF_DATA_DIR_E2E },
  });
  await call("post", `/repos/${user}/pub`, { type: "generic" });
  await signInAndLink(page, user, password, login, true);

  await page.goto(`/import/${user}/pub`);
  await appReady(page);
  const secret = page.getByRole("checkbox", { name: `${login}/secret-tool`, exact: true });
  const open = page.getByRole("checkbox", { name: `${login}/open-tool`, exact: true });
  const importButton = page.getByRole("button", { name: "Import", exact: true });
  await open.check();
  await expect(page.getByTestId("private-to-public")).toHaveCount(0);
  await expect(importButton).toBeEnabled();
  await secret.check();
  const note = page.getByTestId("private-to-public");
  await expect(note).toContainText(`${login}/secret-tool is private on GitHub`);
  await expect(note).toContainText(`${user}/pub is a public repository`);
  await expect(importButton).toBeDisabled();
  await shots(page, "import-private-to-public");
  await note.getByRole("checkbox", { name: "Make them public in this repository" }).check();
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(page.getByTestId("import-status")).toContainText("Finished: 2 repositories imported into", {
    timeout: 30_000,
  });
});
