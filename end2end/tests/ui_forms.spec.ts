import { test, expect, appReady, newAccount, signIn, shots } from "./fixtures";

// Issue 10 item 10: errors at their field in plain words, rules said first, maxlength,
// placeholders that read as examples, success that looks like success, and back to the
// page you came from after signing in.
// Many pages and screenshots per test: more than the default 30 s on a loaded machine.
test.describe.configure({ timeout: 90_000 });

test("sign-up states the rules and shows each error at its field", async ({ page, request, errors }) => {
  await page.goto("/signup");
  await appReady(page);
  const name = page.getByLabel("User name");
  const password = page.getByLabel("Password");
  // The rules before anything is typed, tied to the input.
  const hint = page.locator("#field-name-hint");
  await expect(hint).toContainText("Letters, digits");
  await expect(name).toHaveAttribute("aria-describedby", "field-name-hint");
  await expect(name).toHaveAttribute("maxlength", "64");
  await expect(password).toHaveAttribute("maxlength", "1024");

  await name.fill("my name");
  await password.fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAttribute("aria-describedby", "field-name-error field-name-hint");
  await expect(page.locator("#field-name-error")).toHaveText(/Spaces are not allowed/);
  await expect(page.locator("#field-name-error")).not.toContainText("found");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-password-error")).toContainText("at least 8 characters");
  await shots(page, "forms-signup-errors");

  // A taken name, refused by the server, lands at the name field too.
  const { user } = await newAccount(request, "taken");
  await name.fill(user);
  await password.fill("a long enough password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("#field-name-error")).toHaveText(/That user name is taken/);
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
});

test("a wrong password says so in words, above the button", async ({ page, request, errors }) => {
  const { user } = await newAccount(request, "wrongpw");
  await page.goto("/signin");
  await appReady(page);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText(/That user name and password do not match an account/);
  await shots(page, "forms-signin-error");
});

test("signing in returns to the page you came from, never to another site", async ({ page, request, errors }) => {
  const { user, password, call } = await newAccount(request, "back");
  await call("post", `/repos/${user}/generic`, {});
  await page.goto(`/${user}/generic`);
  await appReady(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}/generic$`));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();

  for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
    await page.goto(`/signin?next=${encodeURIComponent(next)}`);
    await appReady(page);
    await page.getByLabel("User name").fill(user);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`^${process.env.WHARF_URL}/${user}$`));
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  }
});

test("new repository: example placeholder, rules, field error, success note", async ({ page, request, errors }) => {
  const { user, password } = await newAccount(request, "forms");
  await signIn(page, user, password);
  await page.goto("/new");
  await appReady(page);
  const name = page.getByLabel("Name");
  await expect(name).toHaveAttribute("placeholder", "e.g. my-repo");
  await expect(name).toHaveAttribute("maxlength", "64");
  await expect(page.locator("#field-repo-name-hint")).toContainText("Up to 64 characters");
  await name.fill("my repo!");
  await page.getByRole("button", { name: "Create repository" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-repo-name-error")).toHaveText(/Spaces are not allowed/);
  await shots(page, "forms-new-repository-error");

  // A success message looks like success (a note with a tick, announced as a status).
  await page.goto("/profile");
  await appReady(page);
  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Regenerate" }).click();
  const ok = page.locator(".success-note");
  await expect(ok).toContainText("A new key was made");
  await expect(ok).toHaveAttribute("role", "status");
  await shots(page, "forms-success");
});
