// The Harbour Gazette: dismiss the cookie banner and copy share links. No tracking.
document.addEventListener("DOMContentLoaded", function () {
  var banner = document.getElementById("cookie-consent");
  if (banner) {
    banner.querySelectorAll("button[data-consent]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.cookie = "consent=" + button.dataset.consent + "; path=/; max-age=31536000";
        banner.classList.add("dismissed");
      });
    });
    if (document.cookie.indexOf("consent=") !== -1) { banner.classList.add("dismissed"); }
  }
  document.querySelectorAll(".share-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = location.origin + button.dataset.sharePath;
      if (navigator.clipboard) { navigator.clipboard.writeText(url); }
    });
  });
});
