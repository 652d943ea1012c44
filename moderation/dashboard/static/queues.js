// The queue list: live counts.
"use strict";

(function () {
  const list = document.getElementById("queue-sizes");
  async function refresh() {
    try {
      const response = await fetch(list.dataset.sizesUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (response.ok) {
        Dashboard.updateSizes(await response.json());
      }
    } catch (error) {
      // offline for a moment: the next refresh tries again
    }
  }
  setInterval(refresh, 3000);
})();
