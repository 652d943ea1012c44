// A queue's page: keyboard work, decisions without reloading, live updates and presence.
"use strict";

(function () {
  const root = document.getElementById("queue");
  const list = document.getElementById("items");
  const help = document.getElementById("help");
  const POLL_MS = 2500;
  let focused = null;

  const cards = () => Array.from(list.querySelectorAll(".item"));
  const selected = () => cards().filter((card) => card.querySelector(".select-box").checked);

  function focusCard(card) {
    if (focused) {
      focused.classList.remove("focused");
    }
    focused = card || null;
    if (focused) {
      focused.classList.add("focused");
      focused.focus({preventScroll: true});
      focused.scrollIntoView({block: "nearest"});
    }
  }

  function move(step) {
    const all = cards();
    if (!all.length) {
      return;
    }
    const index = focused ? all.indexOf(focused) : -1;
    focusCard(all[Math.min(Math.max(index + step, 0), all.length - 1)]);
  }

  function updateSelection() {
    document.getElementById("selected-count").textContent = selected().length;
    for (const card of cards()) {
      card.classList.toggle("selected", card.querySelector(".select-box").checked);
    }
  }

  function itemMessage(card, text, kind) {
    const box = card.querySelector(".item-message");
    box.textContent = text;
    box.className = "item-message " + kind;
  }

  function adjustSize(delta) {
    const size = document.getElementById("queue-size");
    size.textContent = Math.max(parseInt(size.textContent, 10) + delta, 0);
  }

  // Decide `targets` (cards); decided ones leave the page, refused ones say why, and the
  // focus moves to the card after the last one acted on.
  async function decide(targets, action, reason) {
    if (!targets.length) {
      return;
    }
    const all = cards();
    const after = all.slice(all.indexOf(targets[targets.length - 1]) + 1).find((c) => !targets.includes(c));
    const body = {
      action: action,
      reason_code: reason,
      items: targets.map((card) => ({id: card.dataset.id, version: parseInt(card.dataset.version, 10)})),
    };
    const answer = await Dashboard.send(root.dataset.decideUrl, body);
    if (!answer.ok) {
      Dashboard.say(answer.data.message || "Décision refusée.", "error");
      return;
    }
    let applied = 0;
    for (const result of answer.data.results) {
      const card = document.getElementById("item-" + result.id);
      if (!card) {
        continue;
      }
      if (result.outcome === "applied") {
        applied += 1;
        card.remove();
      } else {
        card.classList.add("stale");
        itemMessage(card, result.message, "error");
        Dashboard.say(result.message, "error");
      }
    }
    if (applied) {
      adjustSize(-applied);
      Dashboard.say(applied + " décision(s) enregistrée(s).", "ok");
    }
    updateSelection();
    const remaining = cards();
    focusCard(after && after.isConnected ? after : remaining.find((c) => c.isConnected && c === focused) || remaining[remaining.length - 1]);
  }

  function act(action) {
    const chosen = selected();
    if (chosen.length) {
      decide(chosen, action, document.getElementById("bulk-reason").value);
    } else if (focused) {
      decide([focused], action, focused.querySelector("select[name=reason_code]").value);
    }
  }

  async function authorAction(card, form, action) {
    const data = new FormData(form);
    const body = {action: action, duration_hours: action === "suspend" ? parseFloat(data.get("duration_hours")) : null};
    // getAttribute: `form.action` would be the buttons named "action"
    const answer = await Dashboard.send(form.getAttribute("action"), body);
    itemMessage(card, answer.data.message || "Action refusée.", answer.ok ? "ok" : "error");
    Dashboard.say(answer.data.message || "Action refusée.", answer.ok ? "ok" : "error");
    card.querySelector(".author-actions").open = false;
    focusCard(card);
  }

  // One click works without the script too (plain forms); with it, no reload.
  list.addEventListener("submit", (event) => {
    const card = event.target.closest(".item");
    const button = event.submitter;
    if (!card || !button) {
      return;
    }
    event.preventDefault();
    if (event.target.classList.contains("decision")) {
      decide([card], button.value, card.querySelector("select[name=reason_code]").value);
    } else {
      authorAction(card, event.target, button.value);
    }
  });
  list.addEventListener("change", (event) => {
    if (event.target.classList.contains("select-box")) {
      updateSelection();
    }
  });
  list.addEventListener("click", (event) => {
    const card = event.target.closest(".item");
    if (card && card !== focused) {
      focusCard(card);
    }
  });
  for (const button of document.querySelectorAll("[data-bulk]")) {
    button.addEventListener("click", () => decide(selected(), button.dataset.bulk, document.getElementById("bulk-reason").value));
  }

  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
  }
  document.getElementById("show-help").addEventListener("click", () => toggleHelp(true));
  document.getElementById("hide-help").addEventListener("click", () => toggleHelp(false));

  const AUTHOR_KEYS = {p: "premoderate", s: "suspend", n: "ban"};

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    const typing = target.matches("input[type=text], input[type=search], textarea, select");
    if (event.key === "Escape") {
      toggleHelp(false);
      if (focused) {
        focused.querySelector(".author-actions").open = false;
        focusCard(focused);
      }
      return;
    }
    if (typing) {
      return;
    }
    const authorMenu = focused && focused.querySelector(".author-actions");
    if (authorMenu && authorMenu.open && event.key in AUTHOR_KEYS) {
      event.preventDefault();
      authorAction(focused, authorMenu.querySelector("form"), AUTHOR_KEYS[event.key]);
      return;
    }
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": act("approve"); break;
      case "r": act("reject"); break;
      case "h": act("hide"); break;
      case "x":
        if (focused) {
          const box = focused.querySelector(".select-box");
          box.checked = !box.checked;
          updateSelection();
        }
        break;
      case "b":
        if (authorMenu) {
          authorMenu.open = !authorMenu.open;
          if (authorMenu.open) {
            authorMenu.querySelector("button").focus();
          } else {
            focusCard(focused);
          }
        }
        break;
      case "o":
        if (focused) {
          window.location.href = focused.querySelector("a.cid").href;
        }
        break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  // Live: new items, other moderators' decisions and presence, every POLL_MS.
  async function insertNew(top) {
    const shown = new Set(cards().map((c) => c.dataset.id));
    if (!top.some((id) => !shown.has(id))) {
      return;
    }
    const response = await fetch(root.dataset.itemsUrl, {credentials: "same-origin"});
    if (!response.ok) {
      return;
    }
    // Server-rendered, escaped HTML; scripts in it would not run, and there are none.
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    const fresh = new Map(Array.from(holder.content.querySelectorAll(".item")).map((c) => [c.dataset.id, c]));
    let added = 0;
    top.forEach((id, position) => {
      if (shown.has(id) || !fresh.has(id)) {
        return;
      }
      const before = top.slice(position + 1).map((next) => document.getElementById("item-" + next)).find(Boolean);
      const card = fresh.get(id);
      card.classList.add("new");
      list.insertBefore(card, before || null);
      added += 1;
    });
    if (added) {
      const empty = document.getElementById("empty");
      if (empty) {
        empty.remove();
      }
      if (!focused) {
        focusCard(cards()[0]);
      }
    }
  }

  async function poll() {
    const shown = cards().map((c) => c.dataset.id);
    const firstPage = root.dataset.firstPage === "true";
    try {
      const answer = await Dashboard.send(root.dataset.pollUrl, {
        shown: shown, focus: focused ? focused.dataset.id : null, first_page: firstPage});
      if (!answer.ok) {
        return;
      }
      const data = answer.data;
      Dashboard.updateSizes(data.sizes);
      if (root.dataset.queue in data.sizes) {
        document.getElementById("queue-size").textContent = data.sizes[root.dataset.queue];
      }
      for (const [id, state] of Object.entries(data.states)) {
        const card = document.getElementById("item-" + id);
        if (!card) {
          continue;
        }
        // a refusal already on the card says more than this notice: keep it
        if (!state.in_queue && !card.classList.contains("gone") && !card.classList.contains("stale")) {
          card.classList.add("gone");
          const who = state.decided_by ? " par " + state.decided_by : "";
          itemMessage(card, "Déjà traité" + who + " (statut : " + (state.status_label || "inconnu") + ").", "info");
        } else if (state.in_queue && state.version !== parseInt(card.dataset.version, 10) && !card.classList.contains("changed")) {
          card.classList.add("changed");
          itemMessage(card, "Modifié depuis l'affichage (nouveau signalement ?) : rechargez la page avant de décider.", "info");
        }
        const presence = card.querySelector(".presence");
        const others = data.present[id] || [];
        presence.hidden = !others.length;
        presence.textContent = others.length ? "Ouvert aussi par " + others.join(", ") : "";
      }
      if (data.top) {
        await insertNew(data.top);
      }
    } catch (error) {
      // a network hiccup: the next poll tries again
    }
  }

  focusCard(cards()[0]);
  poll();
  setInterval(poll, POLL_MS);
})();
