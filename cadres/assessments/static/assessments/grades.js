// The unit's 优秀 share recomputed as the grade selects change (the server checks it again on save).
(function () {
  "use strict";

  function figure(value) {
    return String(Math.round(value * 100) / 100);
  }

  function update() {
    var box = document.getElementById("quota");
    var text = document.getElementById("quota-text");
    var selects = document.querySelectorAll("#grades-form select.grade-select");
    if (!box || !text || !selects.length) {
      return;
    }
    var limit = parseFloat(box.getAttribute("data-limit"));
    var excellent = 0;
    var participants = 0;
    var grades = [];
    selects.forEach(function (select) {
      grades.push(select.value);
    });
    // The stored grades of people kept by another unit now (no select: counted as they are).
    document.querySelectorAll("#grades-form [data-fixed-grade]").forEach(function (fixed) {
      grades.push(fixed.getAttribute("data-fixed-grade"));
    });
    grades.forEach(function (grade) {
      if (grade && grade !== "ungraded") {
        participants += 1;
      }
      if (grade === "excellent") {
        excellent += 1;
      }
    });
    var share = participants ? excellent * 100 / participants : 0;
    var over = excellent * 100 > limit * participants;
    text.textContent = "优秀" + excellent + "人，占参加考核人数" + participants + "人的" + figure(share) + "%，" +
      (over ? "超过" : "未超过") + figure(limit) + "%" +
      (over && !box.getAttribute("data-approved") ? "（超过比例须经主管部门批准，保存时将被拒绝）" : "");
    box.classList.toggle("callout-bad", over);
    box.classList.toggle("callout-ok", !over);
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.classList && event.target.classList.contains("grade-select")) {
      update();
    }
  });
})();
