// Shared by the dashboard's scripts: JSON requests carrying the CSRF token, and messages.
"use strict";

window.Dashboard = (function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;

  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {message: "Réponse illisible du serveur (" + response.status + ")."};
    }
    if (response.status === 401) {
      window.location.reload();  // signed out: the page redirects to the sign-in form
    }
    return {ok: response.ok, status: response.status, data: data};
  }

  // Text only (textContent): messages may quote what users wrote.
  function say(text, kind) {
    const box = document.getElementById("messages");
    const line = document.createElement("p");
    line.className = "flash " + (kind || "ok");
    line.textContent = text;
    box.prepend(line);
    while (box.children.length > 4) {
      box.lastElementChild.remove();
    }
  }

  function updateSizes(sizes) {
    for (const el of document.querySelectorAll(".count[data-queue]")) {
      if (el.dataset.queue in sizes) {
        el.textContent = sizes[el.dataset.queue];
      }
    }
  }

  return {send: send, say: say, updateSizes: updateSizes};
})();
