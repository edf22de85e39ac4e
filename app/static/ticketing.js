// "Time left to pay": counts each [data-expires-in] down once a second from the seconds the
// server gave (no clock skew), and at zero asks its panel to refresh so the page sees Expired.
(function () {
  function show(element) {
    if (!element.deadline) {
      element.deadline = Date.now() + Number(element.dataset.expiresIn) * 1000;
    }
    const left = Math.max(0, Math.ceil((element.deadline - Date.now()) / 1000));
    element.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left === 0 && !element.dataset.over && window.htmx) {
      element.dataset.over = "1";
      const panel = element.closest("[hx-get]");
      if (panel) window.htmx.trigger(panel, "expired");
    }
  }
  function tick() {
    document.querySelectorAll("[data-expires-in]").forEach(show);
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 1000);
})();
