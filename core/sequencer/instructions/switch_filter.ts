/**
 * `switch_filter`: puts a filter in the path and waits, then moves the focuser by the change of
 * the filters' focus offsets (the wheel's slot table), so focus follows the filter. A filter the
 * wheel does not have is refused at validation and pauses a run that meets it.
 */
import { filterNames, slotOfFilter } from "../../../devices/filterwheel.ts";
import { FilterName } from "../../schemas/sequence_parts.ts";
import { defineKind, type Issue } from "./kind.ts";

export const switchFilter = defineKind({
  kind: "switch_filter",
  summary: "Puts `filter` in the path and applies its focus offset",
  fields: { filter: FilterName.describe("filter name as the wheel knows it") },
  replay: "filter",
  check(p, ctx): Issue[] {
    const wheel = ctx.hub.peek("filterwheel");
    if (wheel === null) {
      return [{ field: "filter", reason: "the active profile has no filter wheel" }];
    }
    const status = wheel.status();
    if (status.connected && slotOfFilter(status.slots, p.filter) === null) {
      const known = filterNames(status.slots);
      return [{ field: "filter", reason: `no filter "${p.filter}"; known: ${known}` }];
    }
    return [];
  },
  estimateS(p, est) {
    if (est.session.filter?.name === p.filter) return 0;
    est.session.filter = { name: p.filter, offsetSteps: 0 };
    return est.meanS("switch_filter");
  },
  async run(p, env) {
    const { clock } = env.ctx;
    const { session } = env;
    const startMs = clock.now();
    const { offsetSteps, moved } = await env.rig.selectFilter(p.filter, env.signal);
    if (session.filter !== null && session.filter.name !== p.filter) session.filterChanged = true;
    session.filter = { name: p.filter, offsetSteps };
    let focused = false;
    if (session.appliedOffsetSteps !== null && offsetSteps !== session.appliedOffsetSteps) {
      focused = await env.rig.moveFocuserBy(offsetSteps - session.appliedOffsetSteps, env.signal);
    }
    session.appliedOffsetSteps = offsetSteps;
    if (moved || focused) env.measure("switch_filter", clock.now() - startMs);
  },
});
