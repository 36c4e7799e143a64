/* csc-report's repair of Great Expectations' Data Docs (csc_report/validation/accessible.py): the filter
   controls bootstrap-table builds in a table's header have no label; each is named by its column. */
(function () {
  function nameFilterControls() {
    document.querySelectorAll("th").forEach(function (th) {
      var title = th.querySelector(".th-inner");
      if (!title) return;
      th.querySelectorAll(".filter-control input, .filter-control select").forEach(function (control) {
        if (!control.getAttribute("aria-label")) {
          control.setAttribute("aria-label", "Filter by " + title.textContent.trim());
        }
      });
    });
  }
  nameFilterControls();
  window.addEventListener("load", nameFilterControls);
  if (window.jQuery) window.jQuery(document).on("post-header.bs.table", nameFilterControls);
})();
