// Stripe's card element in the pay form (only rendered with a Stripe publishable key): the
// card goes from the browser to Stripe, and the form posts only the token Stripe gives back.
(function () {
  let mounted = null;
  function mount() {
    const form = document.getElementById("pay");
    if (!form || !form.dataset.stripeKey || !window.Stripe || form === mounted) return;
    mounted = form;
    const stripe = window.Stripe(form.dataset.stripeKey);
    const card = stripe.elements().create("card");
    card.mount(form.querySelector("#card-element"));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      const result = await stripe.createToken(card);
      button.disabled = false;
      if (result.error) {
        form.querySelector("#card-error").textContent = result.error.message;
        return;
      }
      form.querySelector("input[name=token]").value = result.token.id;
      if (window.htmx) window.htmx.trigger(form, "tokenized");
      else form.submit();
    });
  }
  document.addEventListener("DOMContentLoaded", mount);
  document.addEventListener("htmx:afterSettle", mount);
  window.addEventListener("load", mount);
})();
