// The photo crop frame: the chosen picture is shown scaled down, with a 4:5 frame the user
// drags (move), resizes (the corner handle, the mouse wheel or the slider). The frame's place
// is written to the form's crop_x / crop_y / crop_width fields in the picture's own pixels;
// the server cuts and scales (people.services.photo_process). Without this script the same
// fields can be typed, or left empty for the middle of the picture.
(function () {
  "use strict";

  var RATIO = 5 / 4; // height / width
  var root = document.querySelector("[data-photo-cropper]");
  if (!root) {
    return;
  }
  var form = root.closest("form");
  var input = form.querySelector("input[type=file]");
  var image = root.querySelector("[data-crop-image]");
  var frame = root.querySelector("[data-crop-frame]");
  var handle = root.querySelector("[data-crop-handle]");
  var slider = root.querySelector("[data-crop-size]");
  var fields = {
    x: form.querySelector("[name=crop_x]"),
    y: form.querySelector("[name=crop_y]"),
    width: form.querySelector("[name=crop_width]")
  };
  // The frame in the picture's own pixels; shown scaled to the picture's displayed size, so a
  // resized page leaves it where it was.
  var box = { x: 0, y: 0, w: 0 };
  var drag = null;

  function scale() {
    return (image.clientWidth || 1) / (image.naturalWidth || 1);
  }

  function largestWidth() {
    return Math.min(image.naturalWidth, image.naturalHeight / RATIO);
  }

  function clamp() {
    var minimum = Math.max(24 / scale(), largestWidth() * 0.1);
    box.w = Math.max(minimum, Math.min(box.w, largestWidth()));
    box.x = Math.max(0, Math.min(box.x, image.naturalWidth - box.w));
    box.y = Math.max(0, Math.min(box.y, image.naturalHeight - box.w * RATIO));
  }

  function render() {
    clamp();
    var factor = scale();
    frame.style.left = box.x * factor + "px";
    frame.style.top = box.y * factor + "px";
    frame.style.width = box.w * factor + "px";
    frame.style.height = box.w * RATIO * factor + "px";
    fields.x.value = Math.round(box.x);
    fields.y.value = Math.round(box.y);
    fields.width.value = Math.max(1, Math.floor(box.w));
    slider.value = Math.round((box.w / largestWidth()) * 100);
  }

  function resizeAbout(width, centreX, centreY) {
    box.x = centreX - width / 2;
    box.y = centreY - (width * RATIO) / 2;
    box.w = width;
    render();
  }

  function start() {
    box.w = largestWidth();
    box.x = (image.naturalWidth - box.w) / 2;
    box.y = (image.naturalHeight - box.w * RATIO) / 2;
    render();
  }

  function clear() {
    root.hidden = true;
    fields.x.value = fields.y.value = fields.width.value = "";
  }

  function chosen() {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(jpeg|png)$/.test(file.type)) {
      clear();
      return;
    }
    // A data: URL (the page's Content-Security-Policy allows data: images, not blob:).
    var reader = new FileReader();
    reader.onload = function () {
      image.src = reader.result;
    };
    reader.readAsDataURL(file);
  }

  input.addEventListener("change", chosen);
  // A picture chosen before this script ran (a fast user, a slow page) is shown all the same.
  if (input.files && input.files.length) {
    chosen();
  }

  image.addEventListener("load", function () {
    root.hidden = false;
    start();
  });
  image.addEventListener("error", clear);

  function point(event) {
    return { x: event.clientX, y: event.clientY };
  }

  frame.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    frame.setPointerCapture(event.pointerId);
    drag = {
      mode: event.target === handle ? "resize" : "move",
      from: point(event),
      box: { x: box.x, y: box.y, w: box.w }
    };
  });

  frame.addEventListener("pointermove", function (event) {
    if (!drag) {
      return;
    }
    var now = point(event);
    var dx = (now.x - drag.from.x) / scale();
    var dy = (now.y - drag.from.y) / scale();
    if (drag.mode === "move") {
      box.x = drag.box.x + dx;
      box.y = drag.box.y + dy;
    } else {
      // The top-left corner stays; the frame follows the larger of the two movements.
      box.x = drag.box.x;
      box.y = drag.box.y;
      box.w = drag.box.w + Math.max(dx, dy / RATIO);
    }
    render();
  });

  function stop() {
    drag = null;
  }
  frame.addEventListener("pointerup", stop);
  frame.addEventListener("pointercancel", stop);

  root.querySelector("[data-crop-stage]").addEventListener("wheel", function (event) {
    event.preventDefault();
    var factor = event.deltaY > 0 ? 1.06 : 1 / 1.06;
    resizeAbout(box.w * factor, box.x + box.w / 2, box.y + (box.w * RATIO) / 2);
  }, { passive: false });

  slider.addEventListener("input", function () {
    resizeAbout((largestWidth() * Number(slider.value)) / 100, box.x + box.w / 2, box.y + (box.w * RATIO) / 2);
  });

  window.addEventListener("resize", function () {
    if (!root.hidden && image.naturalWidth) {
      render();
    }
  });
})();
