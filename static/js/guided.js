// The guided session page: one step at a time, spoken aloud, one tap per cue. The walk
// through the session comes from guide-table.js; finished sessions go to the outbox
// (practice-outbox.js), which sends them when there is a connection.
(function () {
  "use strict";

  const root = document.querySelector("[data-guide]");
  const configElement = document.getElementById("guide-config");
  if (!root || !configElement || !window.NurtureGuide || !window.NurtureOutbox) return;

  const config = JSON.parse(configElement.textContent);
  const $ = (selector) => root.querySelector(selector);
  const el = {
    area: $("[data-area]"),
    text: $("[data-text]"),
    notice: $("[data-notice]"),
    figure: $("[data-figure]"),
    diagram: $("[data-diagram]"),
    how: $("[data-how]"),
    howSteps: $("[data-how-steps]"),
    timer: $("[data-timer]"),
    timerBar: $("[data-timer-bar]"),
    timerText: $("[data-timer-text]"),
    progress: $("[data-progress]"),
    controls: $("[data-controls]"),
    details: $("[data-details]"),
    detailsChips: $("[data-details-chips]"),
    detailsTitle: $("[data-details-title]"),
    end: $("[data-end]"),
    endText: $("[data-end-text]"),
    note: $("[data-note]"),
    save: $("[data-save]"),
    status: $("[data-status]"),
    mute: $("[data-mute]"),
    again: $("[data-say-again]"),
    stop: $("[data-stop]"),
    step: $("[data-step]"),
    offline: $("[data-offline-ready]"),
    cautions: $("[data-cautions]"),
    cautionList: $("[data-caution-list]"),
  };

  const newId = () =>
    window.crypto && crypto.randomUUID
      ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)
        );

  const sessionId = newId();
  const startedAt = new Date().toISOString();
  const walk = window.NurtureGuide.createWalk(config.table, config.engine, config.signs, newId);
  const skipped = new Set(
    config.readiness.verdict === "go-skipping-areas" ? config.readiness.skip_areas : []
  );
  const route = config.engine.plan.areas.filter((area) => !skipped.has(area.id));
  const totalStrokes = route.reduce((sum, area) => sum + area.strokes.length, 0);
  let timer = null;
  let muted = localStorage.getItem("nurture.guide.muted") === "yes";

  // ---- keep the screen on while the session runs ---------------------------------------
  let lock = null;
  function wakeLock() {
    if (lock || !("wakeLock" in navigator) || walk.node().step.final) return;
    navigator.wakeLock.request("screen").then(
      (sentinel) => {
        lock = sentinel;
        sentinel.addEventListener("release", () => {
          lock = null;
        });
      },
      () => {} // not allowed here (battery saver, or an old browser): the screen may dim
    );
  }

  // ---- speech -------------------------------------------------------------------------
  function speak(text) {
    if (muted || !("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "en-GB";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function showMute() {
    el.mute.setAttribute("aria-pressed", muted ? "true" : "false");
    el.mute.textContent = muted ? "Voice off" : "Voice on";
  }

  // ---- the step -----------------------------------------------------------------------
  function strokeInfo(step) {
    if (step.area === null || step.stroke_index === null) return null;
    const list = config.strokes[step.area] || [];
    return list[step.stroke_index] || null;
  }

  function strokeNumber(step) {
    let count = 0;
    for (const area of route) {
      if (area.id === step.area) return count + step.stroke_index + 1;
      count += area.strokes.length;
    }
    return null;
  }

  function spoken(step, info) {
    const parts = [step.notice, step.text];
    if (info && step.kind === "stroke" && step.stroke_index === 0 && step.attempt === 1) {
      parts.push(...(info.area_cautions || []));
    }
    if (info && step.kind === "stroke" && info.note) parts.push(info.note);
    if (info && step.kind === "stroke") {
      const times = info.hold_seconds
        ? `Hold for about ${info.hold_seconds} seconds.`
        : `About ${info.repetitions} times${info.each_side ? " on each side" : ""}.`;
      parts.push(times);
    }
    return parts.filter(Boolean).join(" ");
  }

  function button(label, className, onClick, extra) {
    const item = document.createElement("button");
    item.type = "button";
    item.className = className;
    item.textContent = label;
    if (extra) Object.entries(extra).forEach(([key, value]) => item.setAttribute(key, value));
    item.addEventListener("click", onClick);
    return item;
  }

  function startTimer(seconds) {
    stopTimer();
    if (!seconds) return;
    const began = Date.now();
    el.timer.hidden = false;
    el.timerBar.max = seconds;
    const tick = () => {
      const elapsed = Math.floor((Date.now() - began) / 1000);
      el.timerBar.value = Math.min(elapsed, seconds);
      const m = (n) => `${Math.floor(n / 60)}:${String(n % 60).padStart(2, "0")}`;
      el.timerText.textContent =
        elapsed < seconds ? `${m(elapsed)} of about ${m(seconds)}` : `${m(elapsed)}: take your time`;
    };
    tick();
    timer = window.setInterval(tick, 1000);
  }

  function stopTimer() {
    if (timer) window.clearInterval(timer);
    timer = null;
    el.timer.hidden = true;
  }

  let shownAt = 0;
  const SETTLE_MS = 500; // a second tap meant for the last step must not answer this one

  function answer(kind, value) {
    if (kind !== "stop" && Date.now() - shownAt < SETTLE_MS) return;
    wakeLock();
    const node = walk.apply(kind, value, null);
    if (node) render(node, kind === "cue" ? value : null);
  }

  function controlsFor(step) {
    const parts = [];
    if (step.kind === "baby-state") {
      config.states.forEach((state) =>
        parts.push(button(state.label, "button button--choice", () => answer("baby-state", state.id)))
      );
    } else if (step.kind === "permission") {
      config.permission.forEach((choice) =>
        parts.push(
          button(choice.label, "button button--choice", () => answer("permission", choice.id))
        )
      );
    } else if (step.kind === "stroke") {
      parts.push(button("Happy", "cue cue--happy", () => answer("cue", "comfortable")));
      parts.push(button("Not sure", "cue cue--unsure", () => answer("cue", "mixed")));
      parts.push(button("Upset", "cue cue--upset", () => answer("cue", "stress")));
    } else {
      const label = step.kind === "pause" ? "Try again" : step.kind === "cuddle" ? "Finish" : "Next";
      parts.push(button(label, "button button--big", () => answer("next")));
      parts.push(button("Upset", "cue cue--upset cue--small", () => answer("cue", "stress")));
    }
    return parts;
  }

  // ---- optional details after a tap ------------------------------------------------------
  function showDetails(tapped) {
    el.details.hidden = !tapped;
    el.detailsChips.replaceChildren();
    if (!tapped) return;
    const chosen = { signs: new Set(), crying_reason: null };
    const signs = tapped === "comfortable" ? config.comfortable_signs : config.stress_signs;
    el.detailsTitle.textContent =
      tapped === "stress" ? "What did you notice? Why might they be crying? (optional)" : "What did you notice? (optional)";
    const chip = (label, pressed, onClick) =>
      button(label, "chip", onClick, { "aria-pressed": pressed ? "true" : "false" });
    if (tapped === "stress") {
      config.crying_reasons.forEach((reason) => {
        const item = chip(reason.label, false, () => {
          chosen.crying_reason = chosen.crying_reason === reason.id ? null : reason.id;
          el.detailsChips
            .querySelectorAll("[data-reason]")
            .forEach((other) =>
              other.setAttribute("aria-pressed", other.dataset.reason === chosen.crying_reason ? "true" : "false")
            );
        });
        item.dataset.reason = reason.id;
        el.detailsChips.append(item);
      });
    }
    const amend = () => {
      const node = walk.amendLast({ signs: Array.from(chosen.signs), crying_reason: chosen.crying_reason });
      if (node) render(node, null);
    };
    signs.forEach((sign) => {
      const item = chip(sign.label, false, () => {
        if (chosen.signs.has(sign.id)) chosen.signs.delete(sign.id);
        else chosen.signs.add(sign.id);
        item.setAttribute("aria-pressed", chosen.signs.has(sign.id) ? "true" : "false");
        // A sign that means "stop" acts at once: the parent must not be asked to carry on.
        if (config.signs[sign.id] === "stress" && !walk.node().step.final) amend();
      });
      el.detailsChips.append(item);
    });
    el.detailsChips.append(button("Add", "button button--secondary", amend));
  }

  function render(node, tapped) {
    const step = node.step;
    shownAt = Date.now();
    const info = strokeInfo(step);
    el.step.dataset.kind = step.kind;
    el.area.textContent = step.area ? config.names[step.area] || step.area : "";
    el.notice.textContent = step.notice;
    el.notice.hidden = !step.notice;
    el.text.textContent = step.text;
    el.figure.hidden = !(info && step.kind === "stroke");
    el.how.hidden = !(info && step.kind === "stroke");
    el.cautions.hidden = true;
    if (info) {
      el.diagram.src = info.diagram;
      el.diagram.alt = `Picture: ${info.name}`;
      const cautions = (step.stroke_index === 0 ? info.area_cautions || [] : []).concat(info.cautions);
      el.cautions.hidden = !(step.kind === "stroke" && cautions.length);
      el.cautionList.replaceChildren(
        ...cautions.map((text) => {
          const item = document.createElement("li");
          item.textContent = text;
          return item;
        })
      );
      el.howSteps.replaceChildren(
        ...info.steps.concat(info.note ? [info.note] : []).map((text) => {
          const item = document.createElement("li");
          item.textContent = text;
          return item;
        })
      );
    }
    const number = step.kind === "stroke" || step.kind === "pause" ? strokeNumber(step) : null;
    el.progress.textContent = number ? `Stroke ${number} of ${totalStrokes}` : "";
    if (step.kind === "stroke" && info) startTimer(info.seconds);
    else stopTimer();
    el.controls.replaceChildren(...(step.final ? [] : controlsFor(step)));
    // Briefly not tappable, so a double tap does not answer the next step too.
    const fresh = Array.from(el.controls.querySelectorAll("button"));
    fresh.forEach((item) => (item.disabled = true));
    window.setTimeout(() => fresh.forEach((item) => (item.disabled = false)), SETTLE_MS);
    el.stop.hidden = step.final;
    showDetails(step.final && tapped !== "stress" ? null : tapped);
    if (step.final) finish(node);
    speak(spoken(step, info));
    el.text.focus({ preventScroll: false });
  }

  // ---- the end ----------------------------------------------------------------------------
  function payload() {
    const events = walk.events;
    const last = events[events.length - 1];
    return {
      id: sessionId,
      started_at: startedAt,
      ended_at: last && last.at > startedAt ? last.at : new Date().toISOString(),
      readiness: config.readiness,
      engine: walk.record(),
      events: walk.cueEvents(config.taps),
      notes: el.note.value.trim(),
    };
  }

  function finish(node) {
    el.end.hidden = false;
    if (!finished) {
      finished = true;
      el.save.hidden = false;
      el.note.disabled = false;
    }
    const strokes = walk.events.filter((event) => event.kind === "cue" && event.step === "stroke");
    const minutes = Math.max(1, Math.round((Date.now() - Date.parse(startedAt)) / 60000));
    el.endText.textContent = strokes.length
      ? `${strokes.length} stroke${strokes.length === 1 ? "" : "s"} together, about ${minutes} minute${minutes === 1 ? "" : "s"}.`
      : "Thank you for listening to your baby today.";
    window.NurtureOutbox.add(config.api, payload(), true);
    showStatus();
  }

  let finished = false;

  function showStatus(sending) {
    if (!finished) return;
    const waiting = window.NurtureOutbox.waiting().find((item) => item.payload.id === sessionId);
    if (!waiting) {
      el.status.textContent = "Saved to your practice log.";
      el.save.hidden = true;
      el.note.disabled = true;
    } else if (waiting.error) {
      el.status.textContent = `We could not save this session: ${waiting.error}`;
    } else if (sending) {
      el.status.textContent = "Saving…";
    } else if (!waiting.held) {
      el.status.textContent = navigator.onLine
        ? "Saving…"
        : "Saved on this phone. We'll send it to your log when you're back online.";
    } else {
      el.status.textContent = "";
    }
  }

  el.save.addEventListener("click", async () => {
    const notes = el.note.value.trim();
    const waiting = window.NurtureOutbox.waiting().some((item) => item.payload.id === sessionId);
    if (!waiting && notes) window.NurtureOutbox.add(config.api, { ...payload(), notes }, false);
    window.NurtureOutbox.release(sessionId, notes);
    showStatus(true);
    await window.NurtureOutbox.flush();
    showStatus();
  });
  window.NurtureOutbox.onChange(() => showStatus());

  el.stop.addEventListener("click", () => answer("stop"));
  el.again.addEventListener("click", () => speak(spoken(walk.node().step, strokeInfo(walk.node().step))));
  el.mute.addEventListener("click", () => {
    muted = !muted;
    localStorage.setItem("nurture.guide.muted", muted ? "yes" : "no");
    if (muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
    showMute();
  });
  window.addEventListener("pagehide", () => {
    if (walk.node().step.final) window.NurtureOutbox.release(sessionId, el.note.value.trim());
  });

  // Fetch every picture now, while there is a connection: the session may go offline.
  const pictures = new Set(
    Object.values(config.strokes).flatMap((list) => list.map((stroke) => stroke.diagram))
  );
  Promise.all(
    Array.from(pictures, (url) => {
      const image = new Image();
      const done = new Promise((resolve) => {
        image.onload = resolve;
        image.onerror = resolve;
      });
      image.src = url;
      return done;
    })
  ).then(() => {
    root.dataset.pictures = "loaded";
    el.offline.hidden = false;
  });

  root.classList.add("guide--ready");
  showMute();
  render(walk.node(), null);
})();
