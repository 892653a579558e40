"""Draw the sample digits that notebook 08 reads: `python -m mnist_helpers.series.samples FOLDER`.

They are drawn by this program, not written by hand: they test the preprocessing, while the
notebook reads real handwriting by other people from scikit-learn's bundled UCI optdigits.

Introduced in notebook 08. Each digit is drawn with pen strokes, then given the look of a
real picture: a clean scan, a thick marker on a tall page, chalk on a blackboard, ballpoint
photographed in uneven light (noise, JPEG), a faint pencil, a small digit off in a corner.
Seeded, so the same Pillow makes the same files; the repository ships them in
notebooks/images/ so the notebook needs nothing else.
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _arc(cx, cy, rx, ry, start, end, points=40):
    """Points along an ellipse, angles in degrees; y grows downwards, so 90 is the bottom."""
    t = np.deg2rad(np.linspace(start, end, points))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# Pen strokes of each digit in a unit square (x to the right, y down), as a writer might draw them.
STROKES = {
    0: [_arc(0.5, 0.5, 0.28, 0.42, -80, 285)],
    1: [[(0.36, 0.24), (0.54, 0.08), (0.54, 0.92)]],
    2: [_arc(0.5, 0.32, 0.26, 0.22, 190, 400) + [(0.22, 0.9), (0.8, 0.9)]],
    3: [_arc(0.5, 0.29, 0.24, 0.2, 200, 450) + _arc(0.5, 0.7, 0.27, 0.21, 270, 520)],
    4: [[(0.6, 0.08), (0.2, 0.64), (0.82, 0.64)], [(0.64, 0.36), (0.64, 0.92)]],
    5: [[(0.76, 0.1), (0.34, 0.1), (0.3, 0.47)] + _arc(0.5, 0.67, 0.27, 0.24, 220, 520)],
    6: [[(0.7, 0.1), (0.5, 0.22), (0.34, 0.42)] + _arc(0.5, 0.68, 0.21, 0.22, 200, 560)],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.42, 0.92)], [(0.44, 0.52), (0.72, 0.52)]],
    8: [_arc(0.5, 0.29, 0.2, 0.2, 90, 450), _arc(0.5, 0.7, 0.25, 0.22, -90, 270)],
    9: [_arc(0.5, 0.32, 0.23, 0.21, 0, 360), [(0.73, 0.3), (0.68, 0.92)]],
}

# (file name, digit, style): one of each digit, in six styles
SAMPLES = [
    ("0-scan.png", 0, "scan"),
    ("1-photo.jpg", 1, "photo"),
    ("2-chalk.png", 2, "chalk"),
    ("3-photo.jpg", 3, "photo"),
    ("4-marker.png", 4, "marker"),
    ("5-corner.png", 5, "corner"),
    ("6-pencil.png", 6, "pencil"),
    ("7-chalk.png", 7, "chalk"),
    ("8-scan.png", 8, "scan"),
    ("9-photo.jpg", 9, "photo"),
]


def _draw(digit, size, box, width, wobble, rng):
    """A float image (0 paper, 1 ink) with the digit's strokes drawn inside box=(left, top, w, h)."""
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    left, top, w, h = box
    slant = rng.uniform(-0.12, 0.12)
    for stroke in STROKES[digit]:
        dx, dy = rng.normal(0, wobble, 2)  # each stroke a little off, each point a little less
        points = [(left + (x + slant * (0.5 - y)) * w + dx + rng.normal(0, wobble / 4),
                   top + y * h + dy + rng.normal(0, wobble / 4)) for x, y in stroke]
        draw.line(points, fill=255, width=width, joint="curve")
    return np.asarray(image.filter(ImageFilter.GaussianBlur(width / 6)), dtype="float32") / 255


def make_sample(digit, style, seed=0):
    """One sample as a PIL image."""
    rng = np.random.default_rng(seed)
    if style == "scan":
        ink = _draw(digit, (300, 300), (60, 40, 180, 220), 16, 1.0, rng)
        return Image.fromarray((255 * (1 - 0.9 * ink)).astype("uint8"))
    if style == "marker":
        ink = _draw(digit, (240, 480), (30, 60, 180, 360), 34, 2.0, rng)
        return Image.fromarray((250 * (1 - 0.95 * ink)).astype("uint8"))
    if style == "chalk":
        ink = _draw(digit, (400, 320), (110, 30, 180, 260), 14, 2.5, rng)
        ink *= rng.uniform(0.6, 1.0, ink.shape)  # chalk leaves gaps
        board = 0.22 + rng.normal(0, 0.03, ink.shape)
        return Image.fromarray((255 * np.clip(board + 0.65 * ink, 0, 1)).astype("uint8"))
    if style == "photo":
        ink = _draw(digit, (640, 480), (230, 90, 200, 300), 12, 2.0, rng)
        rows, cols = np.indices(ink.shape) / 480
        light = 0.95 - 0.35 * cols / 1.33 - 0.15 * (rows - 0.5) ** 2  # a lamp on the left
        paper = light[..., None] * np.array([1.0, 0.97, 0.9])  # warm paper
        pen = np.array([0.15, 0.2, 0.55])  # blue ballpoint
        rgb = paper * (1 - 0.8 * ink[..., None]) + pen * 0.8 * ink[..., None] * light[..., None]
        rgb += rng.normal(0, 0.025, rgb.shape)
        return Image.fromarray((255 * np.clip(rgb, 0, 1)).astype("uint8"), "RGB")
    if style == "pencil":
        ink = _draw(digit, (280, 280), (60, 40, 160, 200), 8, 1.0, rng)
        return Image.fromarray((255 * (0.92 - 0.35 * ink + rng.normal(0, 0.01, ink.shape))).clip(0, 255)
                               .astype("uint8"))
    if style == "corner":
        ink = _draw(digit, (800, 600), (560, 380, 110, 160), 10, 1.0, rng)
        return Image.fromarray((255 * (1 - 0.85 * ink)).astype("uint8"))
    raise ValueError(f"unknown style {style!r}")


def make_samples(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for seed, (name, digit, style) in enumerate(SAMPLES):
        options = {"quality": 85} if name.endswith(".jpg") else {}
        make_sample(digit, style, seed).save(folder / name, **options)
        print("wrote", folder / name)


if __name__ == "__main__":
    make_samples(sys.argv[1] if len(sys.argv) > 1 else "notebooks/images")
