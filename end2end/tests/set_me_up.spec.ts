import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect, appReady, screenshot, newAccount, signIn } from "./fixtures";

/** Runs a command the page offers, in `cwd`, with its placeholders filled in. */
function run(command: string, fill: Record<string, string>, cwd: string) {
  let filled = command;
  for (const [k, v] of Object.entries(fill)) filled = filled.split(k).join(v);
  return execSync(filled, { cwd, shell: "/bin/bash", stdio: "pipe" }).toString();
}

test("Set Me Up (generic): the upload and download commands work when run", async ({ page, request, errors }) => {
  const { user, password, key, call } = await newAccount(request, "smu");
  await call("post", `/repos/${user}/files`, { type: "generic" });
  await call("post", `/packages/${user}/files`, { name: "tool" });
  await signIn(page, user, password);
  await page.goto(`/${user}/files`);
  await page.locator("summary", { hasText: "Set Me Up!" }).click();
  const upload = (await page.getByTestId("setup-upload").textContent())!;
  expect(upload).toContain(`-u${user}:API_KEY`);
  const download = (await page.getByTestId("setup-download").textContent())!;
  await screenshot(page, "set-me-up-generic");

  const dir = mkdtempSync(join(tmpdir(), "wharf-smu-"));
  writeFileSync(join(dir, "hello.txt"), `hello ${user}\n`);
  const answer = run(upload, { API_KEY: key, PACKAGE: "tool", VERSION: "1.0", FILE: "hello.txt" }, dir);
  expect(answer).toContain("success");
  const out = mkdtempSync(join(tmpdir(), "wharf-smu-dl-"));
  run(download, { FILE: "hello.txt" }, out);
  expect(readFileSync(join(out, "hello.txt"), "utf8")).toBe(`hello ${user}\n`);
});

/** A one-layer OCI image layout in a new directory. */
function ociLayout(): string {
  const dir = mkdtempSync(join(tmpdir(), "wharf-oci-"));
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    const digest = createHash("sha256").update(data).digest("hex");
    writeFileSync(join(blobs, digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const src = mkdtempSync(join(tmpdir(), "wharf-oci-src-"));
  writeFileSync(join(src, "hello.txt"), "hello from a layer\n");
  execSync(`tar -cf layer.tar -C ${src} hello.txt && gzip -n -k layer.tar`, { cwd: dir });
  const tar = readFileSync(join(dir, "layer.tar"));
  const layer = put(readFileSync(join(dir, "layer.tar.gz")));
  const diffId = `sha256:${createHash("sha256").update(tar).digest("hex")}`;
  const config = put(
    Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [diffId] } })),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest }],
    }),
  );
  return dir;
}

test("Set Me Up (docker): the registry address is right and the push command works", async ({ page, request, errors }) => {
  const { user, password, key, call } = await newAccount(request, "dock");
  await call("post", `/repos/${user}/images`, { type: "docker" });
  await signIn(page, user, password);
  await page.goto(`/${user}/images`);
  await expect(page.getByText("No images yet.")).toBeVisible();
  await page.locator("summary", { hasText: "Set Me Up!" }).click();

  const host = new URL(page.url()).host;
  await expect(page.getByTestId("setup-domain")).toHaveText(host);
  await expect(page.getByTestId("setup-docker-login")).toHaveText(`docker login -u ${user} ${host}`);
  await expect(page.getByTestId("setup-docker-push")).toContainText(`docker push ${host}/${user}/images/IMAGE:TAG`);
  const ci = page.getByTestId("setup-ci");
  await expect(ci).toContainText(`Username${user}`);
  await expect(ci).toContainText(`Registry Name${user}-images`);
  await screenshot(page, "set-me-up-docker");

  const skopeo = (await page.getByTestId("setup-skopeo").textContent())!;
  const layout = ociLayout();
  run(skopeo, { API_KEY: key, "oci:DIR": `oci:${layout}`, "IMAGE:TAG": "demo/app:1.0" }, layout);

  // The image shows on the repository page, with its pull command.
  await page.reload();
  await appReady(page);
  const table = page.getByTestId("docker-images");
  await expect(table).toContainText("demo/app");
  await expect(table).toContainText("1.0");
  await expect(table).toContainText("linux/amd64");
  // And it pulls back out, byte for byte.
  const out = mkdtempSync(join(tmpdir(), "wharf-pull-"));
  execSync(
    `skopeo copy --src-tls-verify=false --src-creds ${user}:${key} docker://${host}/${user}/images/demo/app:1.0 oci:${out}`,
  );
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
  const original = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  expect(index.manifests[0].digest).toBe(original.manifests[0].digest);
  await screenshot(page, "docker-images");
});
