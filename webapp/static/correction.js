// A closed journal's correction (lesson page): the administrator's written reason goes
// with every form the page sends, as the X-Correction-Reason header core checks.
document.addEventListener("htmx:configRequest", function (event) {
  var reason = document.getElementById("correction-reason");
  if (reason && reason.value.trim()) {
    event.detail.headers["X-Correction-Reason"] = encodeURIComponent(reason.value.trim());
  }
});
