import { test, expect, appReady, newAccount, signIn, signInAndLink, seedGithubUser, shots, expectNoSideScroll } from "./fixtures";

// Issue 10 item 2: every kind of page fits a 360–390 px phone with no sideways scroll,
// signed in (with a 30-character user name, the longest a top bar meets in practice)
// and signed out.
test("every page fits a phone, signed in and signed out", async ({ page, request, errors }) => {
  test.setTimeout(120_000);
  // 24 + 6 random characters = 30.
  const { user, password, call } = await newAccount(request, "phonefitlongusername-abc");
  expect(user).toHaveLength(30);
  const pkg = "a-package-with-a-rather-long-name";
  await call("post", `/repos/${user}/generic`, { desc: "Files for phones" });
  await call("post", `/packages/${user}/generic`, { name: pkg, desc: "A package", vcs_url: "https://example.org/x.git", licenses: ["MIT"] });
  await call("put", `/content/${user}/generic/${pkg}/1.0.0/some/long/path/to/${pkg}-1.0.0.tar.gz?publish=1`, "x");

  const pages: [string, string, RegExp | string][] = [
    ["home", "/", /./],
    ["signin", "/signin", "Sign in"],
    ["signup", "/signup", "Create your account"],
    ["profile", "/profile", /profile/i],
    ["user", `/${user}`, user],
    ["new-repository", "/new", "New repository"],
    ["repository", `/${user}/generic`, "generic"],
    ["package", `/${user}/generic/${pkg}`, pkg],
    ["version", `/${user}/generic/${pkg}/1.0.0`, "1.0.0"],
    ["import", `/import/${user}/generic`, /./],
    ["not-found", "/nobody/here/at/all/really", "Nothing here"],
  ];
  const visitAll = async (state: string) => {
    for (const [name, path, heading] of pages) {
      await page.goto(path);
      await appReady(page);
      await expect(page.getByRole("heading", { level: 1 }).first()).toHaveText(heading);
      await expectNoSideScroll(page, `${name} (${state})`);
      await shots(page, `phone-fit-${name}-${state}`);
    }
  };
  await visitAll("signed-out");
  await signIn(page, user, password);
  // The whole name is reachable even when the top bar shortens it.
  await expect(page.getByTestId("signed-in-user")).toHaveAttribute("title", user);
  await visitAll("signed-in");
});

test("the import page with its tree fits a phone", async ({ page, request, errors }) => {
  const { user, password, call } = await newAccount(request, "phonefitimportlonguser-");
  await call("post", `/repos/${user}/github`, {});
  const login = await seedGithubUser(request, "phonefit");
  await signInAndLink(page, user, password, login, false);
  await page.goto(`/import/${user}/github`);
  await appReady(page);
  await expect(page.getByRole("checkbox", { name: `${login}/hello-tool`, exact: true })).toBeVisible();
  await expectNoSideScroll(page, "import with its tree");
  await shots(page, "phone-fit-import-tree");
});
