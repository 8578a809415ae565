// 干部信息卡: the print button (no inline scripts: a strict Content-Security-Policy applies).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
