/// <reference lib="dom" />
/**
 * The Licences screen from the phone, in Debian's Chromium: reached from More, it shows
 * OpenSkyLab's own licence, the third-party components by use (as many as the API lists), a
 * component's notice exactly as the API serves it (a plain name and a scoped one without a
 * notice text, which says why), and the Debian packages of this system with a package's
 * copyright file — or, on a system without dpkg, the reason there are none. Every check compares
 * what the page shows with what the box's API answers, never with a number written here.
 */
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../_assert.ts";
import { withServer } from "../integration/_server.ts";
import { assertOnlyBox, hasChromium, openPhone } from "./_phone.ts";

interface Component {
  name: string;
  version: string;
  use: string;
  notice_missing: string | null;
}
interface Summary {
  project: { spdx: string | null; reason: string | null; notice_bytes: number | null };
  counts: { shipped: number; test: number; platform: number; types: number };
  components: Component[];
  debian: { available: boolean; os: string | null; package_count: number | null; reason: string };
}

const listed = (page: Page, list: string) =>
  page.getByRole("list", { name: list }).getByRole("listitem");

const notices = (page: Page) =>
  page.locator("pre.notice").evaluateAll((els) => els.map((e) => e.textContent ?? ""));

Deno.test({
  name:
    "phone app: Licences shows the project's licence, each component's notice and the Debian packages",
  ignore: !hasChromium(),
  async fn() {
    await withServer(async (t) => {
      const summary = await t.json<Summary>("GET", "/license");
      const phone = await openPhone();
      const { page } = phone;
      try {
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${t.server.url}/`);
        await page.waitForSelector('.link-state[data-state="live"]');
        await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "More" })
          .click();
        await page.getByRole("navigation", { name: "All screens" })
          .getByRole("link", { name: /^Licences/ }).click();
        await page.waitForSelector('main[aria-busy="false"]');

        // The project's licence, as the summary says.
        const facts = page.getByRole("definition").first();
        const licence = summary.project.spdx ??
          (summary.project.reason === "not yet chosen" ? "Not yet chosen" : "Not declared");
        assertEquals((await facts.textContent())?.trim(), licence);

        // The components by use, as many as the API counts.
        await listed(page, "Components").first().waitFor();
        assertEquals(await listed(page, "Components").count(), summary.counts.shipped);
        await page.getByRole("radio", { name: /^Tests only/ }).check();
        assertEquals(await listed(page, "Components").count(), summary.counts.test);
        await page.getByRole("radio", { name: /^Not shipped/ }).check();
        assertEquals(
          await listed(page, "Components").count(),
          summary.counts.platform + summary.counts.types,
        );
        await page.getByRole("radio", { name: /^Shipped/ }).check();

        // A component's notice is the API's text, word for word.
        const hono = summary.components.find((c) => c.name === "hono" && c.use === "shipped")!;
        await page.getByRole("link", { name: new RegExp(`^hono ${hono.version}`) }).click();
        await page.getByRole("heading", { name: `hono ${hono.version}` }).waitFor();
        const honoApi = await t.json<{ components: { notices: { text: string }[] }[] }>(
          "GET",
          `/license/hono?version=${hono.version}`,
        );
        const honoTexts = honoApi.components[0]!.notices.map((n) => n.text);
        assert(honoTexts.some((x) => x.includes("Permission is hereby granted")), "hono is MIT");
        assertEquals(await notices(page), honoTexts);
        await phone.axe("licence of hono");
        await phone.shot("licences-hono", true);

        // A scoped name travels in one path segment; a package without a notice says why.
        await page.getByRole("link", { name: "All licences" }).click();
        const scoped = summary.components.find((c) =>
          c.use === "shipped" && c.name.startsWith("@") && c.notice_missing !== null
        )!;
        await page.getByRole("link", { name: new RegExp(`^${scoped.name} ${scoped.version}`) })
          .click();
        await page.getByRole("heading", { name: `${scoped.name} ${scoped.version}` }).waitFor();
        await page.getByText(scoped.notice_missing!).waitFor();
        assertEquals(await notices(page), []);

        // OpenSkyLab's own licence page agrees with /license/project.
        await page.getByRole("link", { name: "All licences" }).click();
        await page.getByRole("link", { name: "OpenSkyLab's licence" }).click();
        await page.getByRole("heading", { name: "OpenSkyLab's licence" }).waitFor();
        const project = await t.json<{ notice: { text: string } | null }>(
          "GET",
          "/license/project",
        );
        if (project.notice) {
          await page.locator("pre.notice").waitFor();
          assertEquals(await notices(page), [project.notice.text]);
        } else {
          await page.getByText("The repository has no licence file yet.").waitFor();
        }

        // The Debian packages of this system, when it has dpkg.
        await page.getByRole("link", { name: "All licences" }).click();
        if (summary.debian.available) {
          await page.getByText(`${summary.debian.package_count} packages on`).waitFor();
          await page.getByRole("button", { name: "Show the Debian packages" }).click();
          await listed(page, "Debian packages").first().waitFor({ timeout: 30_000 });
          await page.getByRole("textbox", { name: "Find a package" }).fill("bash");
          const bash = listed(page, "Debian packages").getByRole("link", { name: /^bash / });
          await bash.click();
          await page.getByRole("heading", { name: "bash" }).waitFor();
          await page.locator("pre.notice").waitFor();
          const deb = await t.json<{ copyright: string | null }>("GET", "/license/debian/bash");
          assert(deb.copyright?.includes("GNU"), "bash's copyright file names the GPL");
          assertEquals(await notices(page), [deb.copyright]);
          await phone.shot("licences-debian-bash", true);
        } else {
          await page.getByText(summary.debian.reason).waitFor();
        }

        assertEquals(errors, []);
        assertOnlyBox(phone.requests, t.server.url);
      } finally {
        await phone.close();
      }
    });
  },
});
