// Card payment with Stripe.js Elements. The card number goes from this page to
// Stripe only; Kenanga receives a token and confirms the PaymentIntent at Stripe.
// Nothing is booked here: the page only waits for the webhook to be booked.
(function () {
  "use strict";
  var root = document.getElementById("payment");
  if (!root) return;
  var statusUrl = root.dataset.statusUrl;
  var state = document.getElementById("payment-state");
  var receipt = document.getElementById("payment-receipt");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  function poll(tries) {
    function again() {
      if (tries > 0) setTimeout(function () { poll(tries - 1); }, 1000);
    }
    fetch(statusUrl, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (data) {
        state.textContent = data.label;
        if (data.receipt_url) {
          var a = document.createElement("a");
          a.href = data.receipt_url;
          a.textContent = data.receipt;
          receipt.replaceChildren(a);
        } else if (data.status === "started") {
          again();
        }
      })
      // A dropped connection (a regency office's line) is not the end: ask again.
      .catch(again);
  }

  var form = document.getElementById("card-form");
  if (!form) { poll(60); return; }
  var stripe = Stripe(root.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errors.textContent = "";
    var button = form.querySelector("button");
    button.disabled = true;
    var tokenResult = await stripe.createToken(card);
    if (tokenResult.error) {
      errors.textContent = tokenResult.error.message || String(tokenResult.error);
      button.disabled = false;
      return;
    }
    var body = new URLSearchParams({ card: tokenResult.token.card.id });
    var response = await fetch(statusUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
      body: body,
    });
    var data = await response.json();
    if (data.error) {
      errors.textContent = data.error;
      button.disabled = false;
      return;
    }
    if (data.status === "requires_action") {
      var result = await stripe.confirmCardPayment(data.client_secret);
      if (result.error) {
        errors.textContent = result.error.message || String(result.error);
        button.disabled = false;
        return;
      }
    }
    form.remove();
    poll(60);
  });
})();
