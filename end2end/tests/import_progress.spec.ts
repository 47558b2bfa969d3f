import { test, expect, appReady, newAccount, signInAndLink } from "./fixtures";

// The progress page reads the job twice at once: one GET and the event stream. When the
// stream is faster (it says "finished" and is closed), the GET's answer is older; it must
// not be written over the newer state, or the page freezes at "50% done" for good (seen
// intermittently in the import journey).
test("import progress: a late, older snapshot never replaces the finished state", async ({ page, request, errors }) => {
  test.setTimeout(60_000);
  const login = `race-${Math.random().toString(36).slice(2, 8)}`;
  const seeded = await request.post(`${process.env.GITHUB_STANDIN_URL}/_standin/data`, {
    data: {
      users: [{ login }],
      repos: [
        { owner: login, name: "one", releases: [{ tag: "v1", assets: [{ name: "a.sh", text: "a\n" }] }] },
        { owner: login, name: "two", releases: [{ tag: "v1", assets: [{ name: "b.sh", text: "b\n" }] }] },
      ],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(204);
  const { user, password, call } = await newAccount(request, "rc");
  await call("post", `/repos/${user}/race`, { type: "generic" });
  await signInAndLink(page, user, password, login, false);

  // Hold the page's GET of the job until the stream has shown the end, then answer it
  // with the job as it was while running (an older snapshot of the same job).
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/api\/ui\/imports\/\d+$/, async (route) => {
    const real = await route.fetch();
    const job = await real.json();
    job.status = "running";
    job.items = job.items.map((i: any, n: number) => ({ ...i, status: n === 0 ? "done" : "running" }));
    await held;
    await route.fulfill({ response: real, json: job });
  });

  await page.goto(`/import/${user}/race`);
  await appReady(page);
  await page.getByRole("checkbox", { name: `${login}/one`, exact: true }).check();
  await page.getByRole("checkbox", { name: `${login}/two`, exact: true }).check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const status = page.getByTestId("import-status");
  await expect(status).toContainText("Finished", { timeout: 30_000 });

  const answered = page.waitForResponse(/\/api\/ui\/imports\/\d+$/);
  release();
  await answered;
  // Give the late answer every chance to be rendered before looking again.
  await page.waitForTimeout(500);
  await expect(status).toContainText("Finished");
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("aria-valuenow", "100");
});
