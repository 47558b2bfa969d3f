import { test, expect, appReady, newAccount } from "../tests/fixtures";

// With 2,000 repositories × 20 releases loaded (the stand-in is started with
// --generate 2000:20), the time from a click to the next painted frame for ticking one
// release, one repository, and "select all". Printed as figures, not asserted.
test("import tree: click-to-paint with 2,000 repositories × 20 releases", async ({ page, request }) => {
  const { user, password, call } = await newAccount(request, "bench");
  await page.goto("/signin");
  await appReady(page);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${user}$`));
  await page.goto("/profile");
  await page.getByRole("button", { name: "Authorize with GitHub" }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("github-linked")).toBeVisible();
  await call("post", `/repos/${user}/github`, { type: "generic" });

  const loadStart = Date.now();
  await page.goto(`/import/${user}/github`);
  await expect(page.getByTestId("import-counts")).toContainText("of 20", { timeout: 300_000 });
  await expect(page.getByTestId("import-counts")).not.toContainText("loading releases", { timeout: 300_000 });
  const loadMs = Date.now() - loadStart;
  const repos = await page.getByTestId("import-counts").textContent();

  // Click → the next frame's paint: a rAF callback runs just before paint, and a message
  // posted from it is delivered after that frame has been painted.
  const clickToPaint = (selector: string) =>
    page.evaluate(
      (sel) =>
        new Promise<number>((resolve) => {
          const el = document.querySelector(sel) as HTMLElement;
          const t0 = performance.now();
          el.click();
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => resolve(performance.now() - t0);
            ch.port2.postMessage(0);
          });
        }),
      selector,
    );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  await page.locator(".repo-row .twisty").first().click();
  const release: number[] = [];
  const repo: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < 15; i++) {
    release.push(await clickToPaint(".release-row input[type=checkbox]"));
    repo.push(await clickToPaint(".repo-row input[type=checkbox]"));
    all.push(await clickToPaint(".select-all input[type=checkbox]"));
  }
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
  console.log(`\n[bench] tree: ${repos}`);
  console.log(`[bench] load (repositories + all releases): ${(loadMs / 1000).toFixed(1)} s`);
  console.log(`[bench] tick one release:     ${fmt(release)}   (target < 16 ms)`);
  console.log(`[bench] tick one repository:  ${fmt(repo)}   (target < 16 ms)`);
  console.log(`[bench] select all (2,000):   ${fmt(all)}   (target < 100 ms)`);
});
