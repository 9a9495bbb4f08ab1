// The guided session's walk through the table the server made from the engine
// (nurture/practice/graph.py). Nothing here decides what happens next: each answer is an edge
// in the table. This file only keeps the record of events, exactly as the engine would, so the
// server can replay it. No DOM: the tests run it under Node as well as in the browser.
(function (root) {
  "use strict";

  const LEVELS = ["comfortable", "mixed", "stress"];

  // The cue the engine acts on: the tap, raised by any more worrying sign; any crying reason
  // means upset. `signs` maps each sign id to the cue it points to (from the server).
  function effectiveCue(tapped, details, signs) {
    let level = LEVELS.indexOf(tapped);
    if (details) {
      if (details.crying_reason) level = LEVELS.length - 1;
      for (const sign of details.signs || []) level = Math.max(level, LEVELS.indexOf(signs[sign]));
    }
    return LEVELS[level];
  }

  function edgeFor(kind, value, details, signs) {
    if (kind !== "cue") return kind === "next" || kind === "stop" ? kind : `${kind}:${value}`;
    const cue = effectiveCue(value, details, signs);
    const reason = details && details.crying_reason;
    return cue === "stress" && reason ? `cue:stress:${reason}` : `cue:${cue}`;
  }

  function cleanDetails(details) {
    if (!details) return null;
    const signs = Array.from(details.signs || []);
    const reason = details.crying_reason || null;
    return signs.length || reason ? { signs, crying_reason: reason } : null;
  }

  // A walk from the table's start. `saved` is the engine record so far (plan and events, as
  // the server made it with the readiness check already applied).
  // `newId` makes the client id each cue event keeps, however often it is sent.
  function createWalk(table, saved, signs, newId) {
    const events = saved.events.slice();
    const trail = [table.start]; // node ids, one per event applied here (plus the start)

    function node() {
      return table.nodes[trail[trail.length - 1]];
    }

    function accepts(kind, value, details) {
      return edgeFor(kind, value, details, signs) in node().edges;
    }

    // Apply an answer: `kind` is baby-state, permission, cue, next or stop. Returns the new
    // node, or null if the current step does not take it (nothing changes then).
    function apply(kind, value, details, at) {
      const here = node();
      const clean = kind === "cue" ? cleanDetails(details) : null;
      const target = here.edges[edgeFor(kind, value || "", clean, signs)];
      if (target === undefined) return null;
      const step = here.step;
      events.push({
        seq: events.length + 1,
        kind,
        step: step.kind,
        area: step.area,
        stroke: step.stroke,
        stroke_index: step.stroke_index,
        value: value || "",
        details: clean,
        readiness: null,
        at: at || new Date().toISOString(),
        step_id: step.id,
        cue_id: kind === "cue" ? newId() : null,
      });
      trail.push(target);
      return table.nodes[target];
    }

    // Add details to the last answer, if it was a cue: the same tap, re-applied with them.
    function amendLast(details) {
      const last = events[events.length - 1];
      if (!last || last.kind !== "cue" || trail.length < 2) return null;
      // Details only ever add concern: never soften the last answer, so never undo a stop.
      const before = effectiveCue(last.value, last.details, signs);
      const after = effectiveCue(last.value, cleanDetails(details), signs);
      if (LEVELS.indexOf(after) < LEVELS.indexOf(before)) return null;
      events.pop();
      const previous = trail.pop();
      const result = apply("cue", last.value, details, last.at);
      if (result === null) {
        events.push(last);
        trail.push(previous);
      } else {
        events[events.length - 1].cue_id = last.cue_id;
      }
      return result;
    }

    function lastEvent() {
      return events[events.length - 1] || null;
    }

    // The engine's record, as Session.to_dict() makes it.
    function record() {
      return {
        version: saved.version,
        plan: saved.plan,
        events: events.map(({ step_id, cue_id, ...event }) => event), // eslint-disable-line no-unused-vars
      };
    }

    // The cue events, as the API stores them: the tap's name, where and when.
    function cueEvents(taps) {
      return events
        .filter((event) => event.kind === "cue")
        .map((event) => ({
          id: event.cue_id,
          sequence: event.seq,
          step: event.step_id,
          area: event.area || "",
          stroke: event.stroke || "",
          cue: taps[event.value],
          details: event.details,
          at: event.at,
        }));
    }

    return { node, accepts, apply, amendLast, lastEvent, record, cueEvents, events };
  }

  const api = { createWalk, effectiveCue, edgeFor };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.NurtureGuide = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
