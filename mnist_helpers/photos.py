"""Digits drawn as photos (notebook 08): `digit_photo`, a clean photo of scikit-learn's 8x8 digits (the lesson's
photo route), and `photographed`, a digit photographed as learners take them: ruled or squared paper, a thin
ballpoint, a pencil, the desk in the frame, a shadow, a tilted phone; `blank_page`, an empty page; and
`bad_inputs`, six kinds of input the pipeline must refuse with a clear message (notebook 08's "When the input is not
a digit"). Notebook 08's *Going further* and tests/test_photos.py pass the photos through the photo-to-MNIST pipeline
and compare the models' accuracy with the direct route, which reads the same ink without a photo.

The photos are 128x128 grey levels (0 black, 1 white) of one digit about 64 pixels tall, from its ink (MNIST's 28x28 or
scikit-learn's 8x8 optdigits, ink 0 to 1): a felt pen (ink 80 % darker than the paper) on plain paper under a lamp
(corners about 15 % darker) with a phone's sensor noise, except for the one thing each condition changes.
"""

import io

import numpy as np
from PIL import Image, ImageDraw

from mnist_helpers.handwriting import crop_to_ink, fit_longer_side


def digit_photo(ink, side=64, margin=0):
    """A small ink array (e.g. scikit-learn's 8x8 digits, ink 0 to 1) drawn as a clean photo would show it.

    Dark on white (grey level 1 - ink), enlarged smoothly to side x side (Lanczos, the interpolation
    `fit_box` uses, so the photo shows the same digit the direct route enlarges), on a page with
    `margin` pixels of paper all round (0: the digit fills the frame, as optdigits are cropped).
    Notebook 08 reads UCI's optdigits this way, in the main lesson.
    """
    enlarged = Image.fromarray(1 - np.asarray(ink, dtype="float32")).resize((side, side), Image.Resampling.LANCZOS)
    return np.pad(np.clip(np.asarray(enlarged), 0, 1), margin, constant_values=1.0)


def optdigits_format(ink, side=32, block=4):
    """An MNIST digit (28x28, ink 0 to 1) made the way UCI's optdigits were (their documentation): the ink cropped
    and fitted in a 32x32 bitmap (longer side 32, aspect kept, in the middle), each pixel then black or white (ink
    at least 0.5), then the inked pixels of each 4x4 block counted. Returns 8x8, ink 0 to 1 (count / 16), as
    notebook 08 reads optdigits; its format control (MNIST's digits in optdigits' format, no other writers)."""
    fitted = fit_longer_side(crop_to_ink(np.asarray(ink, "float32")), side)
    bitmap = np.zeros((side, side), "float32")
    top, left = (side - fitted.shape[0]) // 2, (side - fitted.shape[1]) // 2
    bitmap[top:top + fitted.shape[0], left:left + fitted.shape[1]] = fitted >= 0.5
    return bitmap.reshape(side // block, block, side // block, block).sum(axis=(1, 3)) / block**2


CONDITIONS = {  # name: what changes from plain paper
    "plain paper": "a felt pen on white paper",
    "ruled paper": "2-px lines, 30 % darker than the paper, 29 px apart: the digit spans two of them",
    "squared paper": "1-px lines, 25 % darker, 13 px apart both ways",
    "thin ballpoint": "strokes 2 to 3 px wide, a third of a felt pen's",
    "light pencil": "grey, grainy strokes only 35 % darker than the paper",
    "desk in the frame": "the page's edge, tilted 6 degrees, with a dark desk beyond it on the left",
    "shadow": "a soft-edged shadow 45 % deep across the digit",
    "tilted phone": "the phone tilted back: the page's top 30 % narrower than its bottom",
    "too faint to read": "ink only 1.5 % darker than the paper, below the sensor's noise: nobody can read it",
}
SIDE, DIGIT = 128, 64  # the photo's side and the digit's height (or width, if wider), in pixels


def photographed(ink, condition="plain paper", seed=0):
    """A 128x128 photo (grey levels in [0, 1]) of the digit whose ink is given, under one of CONDITIONS."""
    if condition not in CONDITIONS:
        raise ValueError(f"Unknown condition {condition!r}: choose one of {', '.join(CONDITIONS)}.")
    rng = np.random.default_rng(seed)
    digit = drawn(ink, condition)
    pen = np.zeros((SIDE, SIDE), "float32")
    top, left = (SIDE - np.array(digit.shape)) // 2 + rng.integers(-10, 11, size=2)  # not always in the middle
    if condition == "desk in the frame":
        left = min(left + 20, SIDE - digit.shape[1] - 2)  # on the page, right of its edge
    pen[top:top + digit.shape[0], left:left + digit.shape[1]] = digit
    darkness = {"light pencil": 0.35, "too faint to read": 0.015}.get(condition, 0.8)
    if condition == "light pencil":
        pen *= 0.6 + 0.4 * rng.random(pen.shape)  # graphite leaves grains, not an even film
    rows, cols = np.indices((SIDE, SIDE))
    paper = np.full((SIDE, SIDE), 0.9, "float32")
    if condition == "ruled paper":
        paper[rows % 29 < 2] *= 0.7
    if condition == "squared paper":
        paper[(rows % 13 == 0) | (cols % 13 == 0)] *= 0.75
    gray = paper * (1 - darkness * pen)
    if condition == "desk in the frame":
        page_edge = 30 + (rows - SIDE / 2) * np.tan(np.deg2rad(6))
        gray = np.where(cols < page_edge, 0.3 + 0.03 * rng.standard_normal(gray.shape), gray)  # a grainy desk
    if condition == "shadow":
        across = (cols - 0.55 * SIDE) * np.cos(0.5) + (rows - SIDE / 2) * np.sin(0.5)  # from the shadow's edge
        gray *= 1 - 0.45 * np.clip(across / 12 + 0.5, 0, 1)  # 12 px from light to full shadow
    gray *= 1 - 0.3 * ((rows / SIDE - 0.5) ** 2 + (cols / SIDE - 0.5) ** 2)  # the lamp: corners 15 % darker
    if condition == "tilted phone":
        gray = tilted(gray, narrowing=0.3, background=0.75)
    return np.clip(gray + rng.normal(0, 0.01, gray.shape), 0, 1).astype("float32")  # the sensor's noise


def drawn(ink, condition="plain paper"):
    """The digit as the pen put it on the page, ink 0 to 1, DIGIT pixels tall (or wide): the ink smoothly enlarged,
    its strokes thinned for the thin ballpoint. The direct route of a thin ballpoint's digit reads this drawing."""
    digit = fit_longer_side(crop_to_ink(np.asarray(ink, "float32")), DIGIT)
    return thin_strokes(digit) if condition == "thin ballpoint" else digit


def thin_strokes(digit):
    """The same digit written with a pen 2 to 3 px wide: the middle of each stroke (where the distance to the
    stroke's edge peaks), blurred a little, as a lens does."""
    from scipy import ndimage  # a distance transform: scipy does it exactly and fast, better than code of ours

    solid = digit > 0.4
    depth = ndimage.distance_transform_edt(solid)
    middle = solid & (depth >= ndimage.maximum_filter(depth, size=5) - 1.5)  # within 1.5 px of the deepest nearby
    return np.clip(1.5 * ndimage.gaussian_filter(middle.astype("float32"), 0.6), 0, 1)


def tilted(gray, narrowing, background):
    """The photo of the page seen from a phone tilted back: its top row `narrowing` narrower than its bottom,
    the space beside the page `background` grey."""
    k = narrowing * SIDE / 2
    page = [(-k, 0), (SIDE + k, 0), (SIDE, SIDE), (0, SIDE)]  # where each corner of the photo falls on the page
    corners = [(0, 0), (SIDE, 0), (SIDE, SIDE), (0, SIDE)]
    equations, targets = [], []  # Pillow's perspective: 8 coefficients mapping the photo's pixels to the page's
    for (x, y), (u, v) in zip(corners, page):
        equations += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        targets += [u, v]
    coefficients = np.linalg.solve(np.array(equations, float), np.array(targets, float))
    image = Image.fromarray(gray.astype("float32")).transform(
        (SIDE, SIDE), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC, fillcolor=background)
    return np.asarray(image)


def blank_page(shape=(480, 640), noise=0.02, shadow=None, seed=0):
    """A photo of an empty page, grey levels in [0, 1]: darker in the corners (vignetting), the sensor's noise, and
    optionally a shadow over the "right half", the "lower half" or the "lower right quarter"."""
    rng = np.random.default_rng(seed)
    rows, cols = np.indices(shape)
    r, c = rows / max(shape) - 0.5 * shape[0] / max(shape), cols / max(shape) - 0.5 * shape[1] / max(shape)
    light = 0.9 - 0.6 * (r**2 + c**2)
    if shadow == "right half":
        light = light * (1 - 0.5 * np.clip((cols - shape[1] / 2) / 15, 0, 1))
    if shadow == "lower half":
        light = light * (1 - 0.4 * np.clip((rows - shape[0] / 2) / 25, 0, 1))
    if shadow == "lower right quarter":
        corner = np.clip((cols - shape[1] / 2) / 10, 0, 1) * np.clip((rows - shape[0] / 2) / 10, 0, 1)
        light = light * (1 - 0.5 * corner)
    return np.clip(light + rng.normal(0, noise, shape), 0, 1)


def blank_page_photo():
    """The blank page of notebook 08 as a JPEG file's bytes: its right half in shadow."""
    photo = io.BytesIO()
    Image.fromarray((255 * blank_page(shadow="right half")).astype("uint8")).save(photo, format="JPEG", quality=85)
    return photo.getvalue()


def two_digits():
    """A 1 and a 0 drawn side by side, dark on white: 160x300 grey levels in [0, 1]."""
    image = Image.new("L", (300, 160), "white")
    ImageDraw.Draw(image).line([(70, 30), (70, 130)], fill="black", width=10)  # a 1 ...
    ImageDraw.Draw(image).ellipse([150, 30, 230, 130], outline="black", width=10)  # ... and a 0 beside it
    return np.asarray(image, "float32") / 255


def bad_inputs():
    """Six inputs that are not one readable digit, by what is wrong with each: paths, bytes and arrays, as a
    learner's upload or MY_IMAGE might give them."""
    not_a_number = np.ones((50, 50), "float32")
    not_a_number[10, 10] = np.nan
    return {
        "a missing file": "no/such/digit.png",
        "an empty file": b"",
        "a file that is not an image": b"these bytes are not a picture",
        "a photo of a blank page": blank_page_photo(),
        "an array with a NaN pixel": not_a_number,
        "two digits side by side": two_digits(),
    }
