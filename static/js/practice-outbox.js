// Practice sessions waiting to be sent: kept on this phone (localStorage) until the server
// has them. Each carries its own client id, so sending twice stores once. Sent when a page
// with this script loads, when the connection comes back, and when a session is finished.
// Only the signed-in person's own sessions are sent from here.
(function () {
  "use strict";

  const KEY = "nurture.practice.outbox.v1";
  const HOLD_MS = 10 * 60 * 1000; // a session left on its end screen is sent after this anyway
  const script = document.currentScript;
  const user = script ? script.dataset.user : "";
  const listeners = new Set();
  let flushing = null;

  function read() {
    try {
      const items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  function write(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    listeners.forEach((listener) => listener(mine()));
  }

  function mine() {
    return read().filter((item) => item.user === user);
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Keep a finished session; `held` ones wait for the parent to add a note (or HOLD_MS).
  function add(url, payload, held) {
    const items = read().filter((item) => item.payload.id !== payload.id);
    items.push({ user, url, payload, held: Boolean(held), added: Date.now(), error: "" });
    write(items);
  }

  function release(id, notes) {
    write(
      read().map((item) =>
        item.payload.id === id ? { ...item, held: false, payload: { ...item.payload, notes } } : item
      )
    );
  }

  function due(item) {
    return item.user === user && !item.error && (!item.held || Date.now() - item.added > HOLD_MS);
  }

  async function send(item) {
    const response = await fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(item.payload),
    });
    // Only the API's own answer for this session counts (not, say, a wi-fi login page).
    if (response.type === "opaqueredirect") return "later";
    if (response.ok) {
      try {
        const body = await response.json();
        if (body && body.id === item.payload.id) return "sent";
      } catch (error) {
        // not our API's answer
      }
      return "later";
    }
    // Signed out, an old page, or the server busy: keep it and try again later.
    if ([401, 403, 408, 429].includes(response.status) || response.status >= 500) return "later";
    let detail = `The server said no (${response.status}).`;
    try {
      const problem = await response.json();
      detail = problem.detail || detail;
    } catch (error) {
      // keep the plain message
    }
    return detail;
  }

  // Send everything due, one at a time. Resolves to what is still waiting.
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      for (const item of read().filter(due)) {
        if (!navigator.onLine) break;
        let result = "later";
        try {
          result = await send(item);
        } catch (error) {
          result = "later"; // no connection after all
        }
        if (result === "sent") {
          write(read().filter((other) => other.payload.id !== item.payload.id));
        } else if (result !== "later") {
          write(
            read().map((other) =>
              other.payload.id === item.payload.id ? { ...other, error: result } : other
            )
          );
        }
      }
      return mine();
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  function onChange(listener) {
    listeners.add(listener);
  }

  // Logging out clears this phone's storage: send first, or warn if we cannot.
  function guardLogout() {
    const form = document.querySelector("form.logout");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed || mine().length === 0) return;
      event.preventDefault();
      write(read().map((item) => (item.user === user ? { ...item, held: false } : item)));
      const waiting = await flush();
      if (
        waiting.length === 0 ||
        window.confirm(
          `${waiting.length} practice session${waiting.length === 1 ? " has" : "s have"} not been ` +
            "sent yet. If you log out now, it will be lost. Log out anyway?"
        )
      ) {
        form.dataset.confirmed = "yes";
        form.submit();
      }
    });
  }

  window.NurtureOutbox = { add, release, flush, waiting: mine, onChange };
  window.addEventListener("online", () => flush());
  document.addEventListener("DOMContentLoaded", () => {
    guardLogout();
    flush();
  });
})();
