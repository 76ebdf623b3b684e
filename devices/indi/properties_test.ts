import assert from "node:assert/strict";
import { type NumberVector, parseIndiNumber, PropertyCache, switchOn } from "./properties.ts";
import { IndiXmlStream } from "./xml_stream.ts";

function feed(cache: PropertyCache, xml: string) {
  return new IndiXmlStream().push(new TextEncoder().encode(xml)).map((e) => cache.apply(e));
}

const DEF = `<defNumberVector device="T" name="EOD" state="Idle" perm="rw" timeout="60">
<defNumber name="RA" format="%010.6m" min="0" max="24" step="0">12:30:15</defNumber>
<defNumber name="DEC" format="%010.6m" min="-90" max="90" step="0">-05:30:00</defNumber>
</defNumberVector>
<defSwitchVector device="T" name="PARK" state="Ok" perm="rw" rule="OneOfMany" timeout="0">
<defSwitch name="PARK">Off</defSwitch><defSwitch name="UNPARK">On</defSwitch>
</defSwitchVector>
<defLightVector device="W" name="STATUS" state="Ok"><defLight name="RAIN">Ok</defLight></defLightVector>`;

Deno.test("parseIndiNumber: decimal and sexagesimal forms", () => {
  assert.equal(parseIndiNumber("12.5"), 12.5);
  assert.equal(parseIndiNumber(" 12:30:15 "), 12 + 30 / 60 + 15 / 3600);
  assert.equal(parseIndiNumber("-05:30:00"), -5.5);
  assert.equal(parseIndiNumber("-00:30"), -0.5); // the sign of a zero degree field survives
  assert.equal(parseIndiNumber("12 30 36"), 12.51);
  assert.ok(Number.isNaN(parseIndiNumber("12:xx")));
  assert.ok(Number.isNaN(parseIndiNumber("")));
});

Deno.test("cache: def defines, set merges only the members it carries", () => {
  const cache = new PropertyCache();
  feed(cache, DEF);
  const eod = cache.get("T", "EOD") as NumberVector;
  assert.equal(eod.perm, "rw");
  assert.equal(eod.timeoutS, 60);
  assert.equal(eod.members.get("DEC")!.value, -5.5);
  const [change] = feed(
    cache,
    `<setNumberVector device="T" name="EOD" state="Busy" message="slewing"><oneNumber name="RA">1.5</oneNumber></setNumberVector>`,
  );
  assert.equal(change?.kind, "set");
  assert.equal(eod.state, "Busy");
  assert.equal(eod.message, "slewing");
  assert.equal(eod.members.get("RA")!.value, 1.5);
  assert.equal(eod.members.get("DEC")!.value, -5.5, "a member absent from the set is kept");
  feed(
    cache,
    `<setSwitchVector device="T" name="PARK" state="Busy"><oneSwitch name="PARK">On</oneSwitch><oneSwitch name="UNPARK">Off</oneSwitch></setSwitchVector>`,
  );
  assert.ok(switchOn(cache.get("T", "PARK"), "PARK"));
  assert.equal(cache.get("T", "PARK")!.state, "Busy");
  assert.equal(cache.get("W", "STATUS")!.perm, "ro", "lights are read-only");
});

Deno.test("cache: revisions rise; a set for an unknown vector is dropped", () => {
  const cache = new PropertyCache();
  feed(cache, DEF);
  const before = cache.get("T", "EOD")!.revision;
  feed(cache, `<setNumberVector device="T" name="EOD" state="Ok"/>`);
  assert.ok(cache.get("T", "EOD")!.revision > before);
  const [dropped] = feed(
    cache,
    `<setNumberVector device="T" name="NOPE"><oneNumber name="X">1</oneNumber></setNumberVector>`,
  );
  assert.equal(dropped, null);
  feed(
    cache,
    `<setNumberVector device="T" name="EOD" state="Weird"><oneNumber name="RA">garbage</oneNumber></setNumberVector>`,
  );
  assert.equal(cache.get("T", "EOD")!.state, "Ok", "an unknown state keeps the old one");
  assert.equal(
    (cache.get("T", "EOD") as NumberVector).members.get("RA")!.value,
    12.504166666666666,
  );
});

Deno.test("cache: delProperty drops one vector, or the whole device without a name", () => {
  const cache = new PropertyCache();
  feed(cache, DEF);
  feed(cache, `<delProperty device="T" name="PARK"/>`);
  assert.equal(cache.get("T", "PARK"), undefined);
  assert.ok(cache.get("T", "EOD"));
  feed(cache, `<delProperty device="T"/>`);
  assert.deepEqual(cache.devices(), ["W"]);
});
