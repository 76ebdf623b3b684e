/**
 * Errors that are the client's fault never say "internal" (issue 14 A.11). Against the real app
 * over a socket, every operation the OpenAPI document lists is sent what clients get wrong: a
 * body that is not JSON (415 unsupported_media_type), JSON that does not parse (400), query
 * parameters of the wrong type (400), a method the path does not have (405 with an Allow header),
 * a body far over the limit (413). None of them may answer 5xx or a code of "internal".
 */
import { assert, assertEquals } from "../_assert.ts";
import { withServer } from "./_server.ts";

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: { type?: string; enum?: string[] };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown>; required?: boolean };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const METHODS = ["get", "post", "put", "delete", "patch"] as const;

/**
 * `/sequences/{id}` with a harmless made-up id, or the first value of an enumerated parameter
 * (`/devices/{role}/…`), so what is checked is the body or the query, not the path.
 */
function concrete(path: string, params: readonly Parameter[]): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = params.find((q) => q.in === "path" && q.name === name);
    return p?.schema?.enum?.[0] ?? "no-such-id";
  });
}

interface Answer {
  status: number;
  code: string | null;
  allow: string | null;
}

Deno.test("client errors: 415, bad JSON, bad query types, 405 and 413 are never internal", async () => {
  await withServer(async (t) => {
    const spec = await t.json<OpenApi>("GET", "/openapi.json");
    const send = async (method: string, path: string, init: RequestInit = {}): Promise<Answer> => {
      const res = await fetch(`${t.server.url}/api/v1${path}`, { method, ...init });
      const text = await res.text();
      let code: string | null = null;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
      } catch { /* not JSON: checked below where it matters */ }
      return { status: res.status, code, allow: res.headers.get("allow") };
    };
    const failures: string[] = [];
    const expect = (what: string, got: Answer, status: number, code: string) => {
      if (got.status !== status || got.code !== code) {
        failures.push(`${what}: ${got.status} ${got.code} (want ${status} ${code})`);
      }
    };
    let bodies = 0;
    let queries = 0;
    let methods = 0;
    for (const [template, ops] of Object.entries(spec.paths)) {
      if (!template.startsWith("/api/v1/")) continue;
      const relative = template.slice("/api/v1".length);
      const anyParams = Object.values(ops).flatMap((op) => op.parameters ?? []);
      for (const [method, op] of Object.entries(ops)) {
        const m = method.toUpperCase();
        const path = concrete(relative, op.parameters ?? []);
        if (op.requestBody) {
          bodies++;
          expect(
            `${m} ${template} text/plain`,
            await send(m, path, { headers: { "content-type": "text/plain" }, body: "{}" }),
            415,
            "unsupported_media_type",
          );
          // A raw body (a release upload) refuses JSON as it refuses text.
          const takesJson = "application/json" in op.requestBody.content;
          expect(
            `${m} ${template} broken JSON`,
            await send(m, path, { headers: { "content-type": "application/json" }, body: "{" }),
            takesJson ? 400 : 415,
            takesJson ? "validation_failed" : "unsupported_media_type",
          );
        }
        const typed = (op.parameters ?? []).filter((p) =>
          p.in === "query" && ["number", "integer", "boolean"].includes(p.schema?.type ?? "")
        );
        for (const p of typed) {
          queries++;
          expect(
            `${m} ${template}?${p.name}=abc`,
            await send(m, `${path}?${p.name}=abc`),
            400,
            "validation_failed",
          );
        }
      }
      const missing = METHODS.filter((m) => !(m in ops));
      if (missing.length > 0) {
        methods++;
        const m = missing.includes("patch") ? "PATCH" : missing[0]!.toUpperCase();
        const got = await send(m, concrete(relative, anyParams));
        expect(`${m} ${template}`, got, 405, "method_not_allowed");
        const allow = (got.allow ?? "").split(/,\s*/);
        for (const have of Object.keys(ops)) {
          if (!allow.includes(have.toUpperCase())) {
            failures.push(`${m} ${template}: Allow "${got.allow}" lacks ${have.toUpperCase()}`);
          }
        }
      }
    }
    // The sweep reached the groups it is about.
    assert(bodies >= 30 && queries >= 5 && methods >= 50, `${bodies} ${queries} ${methods}`);

    // A body far over any request the API takes.
    const big = JSON.stringify({ ra: 1, dec: 2, pad: "x".repeat(4 * 1024 * 1024) });
    expect(
      "POST /mount/goto 4 MiB",
      await send("POST", "/mount/goto", {
        headers: { "content-type": "application/json" },
        body: big,
      }),
      413,
      "payload_too_large",
    );
    // A path nobody serves is still 404, and a body with a charset parameter is still JSON.
    expect("GET /nothing-here", await send("GET", "/nothing-here"), 404, "not_found");
    const charset = await send("POST", "/mount/sync", {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ ra: 99, dec: 0 }),
    });
    expect("POST /mount/sync with charset", charset, 400, "validation_failed");
    assertEquals(failures, []);
  });
});
