"""Turn a photo or scan of one handwritten digit into an MNIST-style 28x28 input.

Introduced in notebook 07. MNIST was made this way (LeCun et al.): each digit, ink on a
blank background, was fitted into a 20x20 box keeping its aspect ratio, anti-aliased to grey
levels, then placed in a 28x28 field so that its centre of mass sits at the centre (pixel
(14, 14): MNIST's own digits average (14.0, 14.0)). `preprocess_steps` does the same to any
image and keeps every stage, so the notebook can show them; `to_mnist` returns the result.
"""

import io
import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

BOX = 20  # MNIST's digits fill a 20x20 box ...
SIZE = 28  # ... inside a 28x28 image
CENTRE = 14.0  # where MNIST's centres of mass lie, in pixel indices (row, column)
WORKING_SIDE = 512  # larger images are shrunk to this before the analysis: plenty for a 20x20 result
MIN_CONTRAST = 0.08  # ink must differ from the paper around it by 8 %, or the image counts as blank
INK_FLOOR = 0.3  # after scaling ink to [0, 1], weaker values are paper texture, noise or shadow
CROP_TRIM = 0.002  # share of the ink left outside the crop on each side: a stray speck must not stretch it


class DigitImageError(ValueError):
    """The image cannot be read or holds no digit; the message says what to do."""


def read_grayscale(source):
    """Read a PNG/JPEG (path or bytes) as grey levels in [0, 1] (0 black, 1 white).

    Transparent pixels count as white paper; phone photos are turned upright (EXIF); 16-bit
    and floating-point images are scaled by their own range; images larger than WORKING_SIDE
    are shrunk, anti-aliased, to WORKING_SIDE on their longer side.
    """
    name = "the uploaded image" if isinstance(source, bytes) else str(source)
    if not isinstance(source, bytes) and not Path(source).is_file():
        raise DigitImageError(f"No image file at {name}. Check the path (it is relative to the notebook's folder).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
                image = ImageOps.exif_transpose(image)
                if image.mode in ("RGBA", "LA", "P", "PA"):
                    image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
                if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # convert("L") would clip these
                    gray = np.asarray(image, dtype="float32")
                    gray = gray / max(float(gray.max()), 1.0)
                else:
                    gray = np.asarray(image.convert("L"), dtype="float32") / 255
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DigitImageError(
            f"{name} is too large to read safely (over {Image.MAX_IMAGE_PIXELS:,} pixels). "
            f"Crop it to the digit or scale it down, then try again."
        ) from None
    except UnidentifiedImageError:
        raise DigitImageError(f"{name} is not an image file Pillow can read. Use a PNG or JPEG file.") from None
    except (OSError, SyntaxError, ValueError) as error:  # a truncated or damaged file
        raise DigitImageError(f"Cannot read {name} as an image ({error}). Use a PNG or JPEG file.") from None
    if max(gray.shape) > WORKING_SIDE:  # shrink after the conversion, so every kind of image is anti-aliased alike
        gray = _fit_longer_side(gray, WORKING_SIDE)
    return np.clip(gray, 0, 1)


def _fit_longer_side(image, side):
    """Resize a float image so its longer side is `side` pixels, aspect kept, anti-aliased (Lanczos)."""
    scale = side / max(image.shape)
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))  # PIL: (width, height)
    resized = np.asarray(Image.fromarray(image.astype("float32")).resize(size, Image.Resampling.LANCZOS))
    return np.clip(resized, 0, 1)  # Lanczos overshoots a little at sharp edges


def _background(gray, ink_pixels=None):
    """Smooth estimate of the paper's brightness: a quadratic surface fitted to non-ink pixels."""
    rows, cols = np.indices(gray.shape, dtype="float32")
    y, x = rows / gray.shape[0] - 0.5, cols / gray.shape[1] - 0.5
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1).reshape(-1, 6)
    paper = np.ones(gray.size, bool) if ink_pixels is None else ~ink_pixels.ravel()
    coefficients, *_ = np.linalg.lstsq(terms[paper], gray.ravel()[paper], rcond=None)
    return (terms @ coefficients).reshape(gray.shape)


def _mean3x3(image):
    padded = np.pad(image, 1, mode="edge")
    return sum(padded[r:r + image.shape[0], c:c + image.shape[1]] for r in range(3) for c in range(3)) / 9


def find_ink(gray):
    """Ink strength in [0, 1] per pixel, whatever the ink's colour and the light.

    The paper is the smooth part of the image (uneven light included), ink what stands out
    from it. Which way it stands out most, darker or lighter, gives the polarity. Raises DigitImageError if
    nothing stands out.
    """
    background = _background(gray)
    for _ in range(2):  # refit without the pixels that look like ink, so strokes do not bend the surface
        residual = gray - background
        deviation = _mean3x3(residual - np.median(residual))  # smoothed: one noisy pixel is not a stroke
        sign = -1 if -deviation.min() >= deviation.max() else 1
        spread = np.median(np.abs(residual - np.median(residual)))
        background = _background(gray, ink_pixels=sign * residual > 3 * spread + 0.02)
    # relative to the local paper: under half the light, ink and paper both reflect half as much
    ink = np.clip(sign * (gray - background) / np.maximum(background, 0.05), 0, None)
    contrast = float(_mean3x3(ink).max())  # strongest ink, averaged over 3x3 so one noisy pixel cannot set it
    if contrast < MIN_CONTRAST:
        raise DigitImageError(
            f"No ink found: the strongest contrast with the paper is {contrast:.0%}, under the {MIN_CONTRAST:.0%} "
            f"a digit needs. Is the image blank? Photograph the digit in good light, in dark ink on plain paper."
        )
    ink = np.clip((ink / contrast - INK_FLOOR) / (1 - INK_FLOOR), 0, 1)
    return ink.astype("float32"), ("dark on light" if sign < 0 else "light on dark")


def crop_to_ink(ink):
    """The smallest rectangle holding all but CROP_TRIM of the ink on each side (drops stray specks)."""
    bounds = []
    for axis in (1, 0):
        cumulative = np.cumsum(ink.sum(axis=axis)) / ink.sum()
        first = int(np.searchsorted(cumulative, CROP_TRIM, side="right"))
        last = int(np.searchsorted(cumulative, 1 - CROP_TRIM))
        bounds.append((first, min(last + 1, len(cumulative))))
    (top, bottom), (left, right) = bounds
    return ink[top:bottom, left:right]


def fit_box(ink, box=BOX):
    """Resize so that the longer side is `box` pixels, keeping the aspect ratio, anti-aliased."""
    return _fit_longer_side(ink, box)


def centre_of_mass(image):
    """(row, column) of the ink's centre of mass, in pixel indices."""
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def place_by_centre_of_mass(digit, size=SIZE, centre=CENTRE):
    """Paste `digit` into a size x size field so its centre of mass lands on `centre` (whole pixels, as MNIST)."""
    row, col = centre_of_mass(digit)
    top, left = round(centre - row), round(centre - col)
    field = np.zeros((size, size), "float32")
    height, width = digit.shape
    # clip the paste to the field: only a digit with its mass far off-centre loses an edge
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + height, size), min(left + width, size)
    field[r0:r1, c0:c1] = digit[r0 - top:r1 - top, c0 - left:c1 - left]
    return field


def preprocess_steps(source):
    """Every stage from a file (path or bytes) to an MNIST-style 28x28 image in [0, 1].

    Returns a dict: "grayscale", "ink", "cropped", "boxed" (at most 20x20) and "mnist"
    (28x28, float32), plus "polarity" ("dark on light" or "light on dark").
    """
    gray = read_grayscale(source)
    ink, polarity = find_ink(gray)
    cropped = crop_to_ink(ink)
    boxed = fit_box(cropped)
    return {"grayscale": gray, "ink": ink, "polarity": polarity, "cropped": cropped, "boxed": boxed,
            "mnist": place_by_centre_of_mass(boxed)}


def to_mnist(source):
    """An MNIST-style 28x28 float32 image in [0, 1] (ink 1) from an image file of one digit."""
    return preprocess_steps(source)["mnist"]


def naive_resize(source):
    """What a first attempt does: grey levels squashed to 28x28, nothing else (white paper stays 1)."""
    squashed = Image.fromarray(read_grayscale(source)).resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(squashed), 0, 1)


def labelled_images(folder):
    """(path, digit) for every PNG/JPEG in `folder` named <digit>-<anything>, e.g. 7-chalk.png.

    The digit must stand alone (7-, 7_, 7. or "7 "), so a camera's 20240115_1234.jpg is not a 2.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DigitImageError(f"No folder {folder} (relative paths start in notebooks/).")
    found = [(path, int(path.name[0])) for path in sorted(folder.iterdir())
             if path.suffix.lower() in (".png", ".jpg", ".jpeg") and re.match(r"\d[-_. ]", path.name)]
    if not found:
        raise DigitImageError(f"No images named <digit>-<anything>.png or .jpg in {folder}, e.g. 7-mine.jpg.")
    return found
