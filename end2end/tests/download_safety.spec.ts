import { test, expect, newAccount, signIn } from "./fixtures";

// An uploaded HTML file opened from /dl by a signed-in user must not run as Wharf: before
// downloads were sandboxed, its script read the viewer's CSRF token from /api/ui/session
// and changed the viewer's repositories.
test("an uploaded page cannot act as the person who opens it", async ({ page, request }) => {
  const mallory = await newAccount(request, "ml");
  await mallory.call("post", `/repos/${mallory.user}/pages`, { type: "generic" });
  await mallory.call("post", `/packages/${mallory.user}/pages`, { name: "site" });
  const evil = `<!doctype html><title>waiting</title><p id="out">static</p><script>
    document.title = "script ran";
    fetch("/api/ui/session").then(r => r.json())
      .then(s => { document.getElementById("out").textContent = "token " + (s.csrf_token || "none"); })
      .catch(e => { document.getElementById("out").textContent = "blocked"; });
  </script>`;
  await mallory.call("put", `/content/${mallory.user}/pages/site/1.0/evil.html?publish=1`, evil);

  // The victim signs in, then opens the link.
  const victim = await newAccount(request, "vc");
  await signIn(page, victim.user, victim.password);

  await page.goto(`/dl/${mallory.user}/pages/evil.html`);
  // The page displays (it is a download, not an error) but its script never runs.
  await expect(page.locator("#out")).toHaveText("static");
  await page.waitForTimeout(500);
  await expect(page.locator("#out")).toHaveText("static");
  expect(await page.title()).toBe("waiting");
});
