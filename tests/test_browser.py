"""The HTML report in a real browser: headless Chromium renders the seed report offline.

Skipped where no Chromium is installed (.ci/run installs Debian's ``chromium`` when it can).
The screenshot is decoded by a small pure-Python PNG reader, so no imaging library is needed.

``python -m tests.test_browser docs/report.png`` remakes the README's screenshot.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import pytest

from hw2check.cli import main
from hw2check.plots import matplotlib_available

# Runs the command in child processes: left out of mutation runs (README).
pytestmark = pytest.mark.subprocess

BROWSERS = ("chromium", "chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
# Test-only: report each <math> and <svg> box. The report itself has no script and its
# Content-Security-Policy forbids one, so the copy drops that policy first.
MEASURE = """<script>
const boxes = Array.from(document.querySelectorAll("math, svg")).map((element) => {
  const box = element.getBoundingClientRect();
  return [element.localName, element.namespaceURI, box.width, box.height];
});
const out = document.createElement("pre");
out.id = "boxes";
out.textContent = JSON.stringify(boxes);
document.body.appendChild(out);
</script>"""


def browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = browser()
    assert executable is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [executable, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )


def screenshot(page: Path, target: Path, width: int, height: int) -> None:
    result = chromium(page, f"--screenshot={target}", f"--window-size={width},{height}")
    assert target.exists(), result.stderr[-2000:]


def seed_report(target: Path) -> None:
    assert main(["--format", "html", "--output", str(target)]) == 1


# --- a small PNG reader (8-bit RGB/RGBA, not interlaced: what Chromium writes) ---------------


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    a, b, c = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    if a <= b and a <= c:
        return left
    return up if b <= c else corner


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the pixel rows (``channels`` bytes per pixel) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks = 8, []
    header = b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for x in range(channels, stride):
                line[x] = (line[x] + line[x - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for x in range(stride):
                left = line[x - channels] if x >= channels else 0
                line[x] = (line[x] + ((left + previous[x]) >> 1)) & 255
        elif kind == 4:
            for x in range(stride):
                left = line[x - channels] if x >= channels else 0
                corner = previous[x - channels] if x >= channels else 0
                line[x] = (line[x] + _paeth(left, previous[x], corner)) & 255
        rows.append(bytes(line))
        previous = line
    return (
        width,
        height,
        [b"".join(row[x : x + 3] for x in range(0, stride, channels)) for row in rows],
    )


def pixels(rows: list[bytes]) -> Counter[bytes]:
    return Counter(row[x : x + 3] for row in rows for x in range(0, len(row), 3))


def test_png_reader_decodes_every_filter() -> None:
    # A 3x5 RGB image, one scanline per filter type, built here and read back.
    width, rows = (
        3,
        [bytes((17 * y + 5 * x + c) % 256 for x in range(3) for c in range(3)) for y in range(5)],
    )
    raw = b""
    previous = bytes(9)
    for kind, row in enumerate(rows):
        encoded = bytearray(row)
        for x in range(9):
            left = row[x - 3] if x >= 3 else 0
            corner = previous[x - 3] if x >= 3 else 0
            predictor = (
                0,
                left,
                previous[x],
                (left + previous[x]) >> 1,
                _paeth(left, previous[x], corner),
            )[kind]
            encoded[x] = (row[x] - predictor) & 255
        raw += bytes([kind]) + bytes(encoded)
        previous = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, 5, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    assert read_png(png) == (3, 5, rows)


# --- the report in the browser ---------------------------------------------------------------

needs_browser = pytest.mark.skipif(browser() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("browser") / "report.html"
    seed_report(target)
    return target


@needs_browser
def test_the_report_renders_and_is_not_blank(page: Path, tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    screenshot(page, target, 800, 600)
    width, height, rows = read_png(target.read_bytes())
    assert (width, height) == (800, 600)
    counts = pixels(rows)
    background, most = counts.most_common(1)[0]
    assert background == b"\xff\xff\xff"
    assert 1 - most / (width * height) > 0.05, "almost everything is background"
    assert len(counts) > 50  # antialiased text, not a flat fill
    # The badges' CSS colours are drawn: proved (green) and refuted (red) rows are on top.
    assert bytes.fromhex("1b7a2f") in counts and bytes.fromhex("b3261e") in counts


@needs_browser
def test_every_formula_and_plot_has_a_box(page: Path, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(
        re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text).replace(
            "</body>", MEASURE + "</body>"
        ),
        encoding="utf-8",
    )
    result = chromium(probe, "--dump-dom", "--window-size=1200,900")
    found = re.search(r'<pre id="boxes">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    boxes = json.loads(html.unescape(found.group(1)))
    maths = [box for box in boxes if box[0] == "math"]
    svgs = [box for box in boxes if box[0] == "svg"]
    assert len(maths) == text.count("<math ") and len(maths) >= 40
    assert all(box[1] == "http://www.w3.org/1998/Math/MathML" for box in maths)
    assert all(box[2] > 5 and box[3] > 5 for box in maths), [b for b in maths if b[3] <= 5]
    assert len(svgs) == (3 if matplotlib_available() else 0)
    assert all(box[2] > 200 and box[3] > 150 for box in svgs), svgs


def make_screenshot(target: Path) -> None:
    """The README's picture: the top of the seed report."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        seed_report(page)
        screenshot(page, target, 1200, 1500)


if __name__ == "__main__":
    make_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report.png"))
