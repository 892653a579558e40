"""Turn a photo or scan of one handwritten digit into an MNIST-style 28x28 input.

Introduced in notebook 08. MNIST was made this way (LeCun et al.): each digit, ink on a
blank background, was fitted into a 20x20 box keeping its aspect ratio, anti-aliased to grey
levels, then placed in a 28x28 field so that its centre of mass sits at the centre (pixel
(14, 14): MNIST's own digits average (14.0, 14.0)). `preprocess_steps` does the same to any
image and keeps every stage, so the notebook can show them; `to_mnist` returns the result.
Finding the ink (`paper_surface`: a grey-level closing, with the light's fall-off divided out for
shadows; `find_ink`: a threshold set by the paper's own noise; `one_digit`: one digit only) is
told step by step in the notebook.

The steps (read_grayscale to place_by_centre_of_mass) are notebook 08's `export` cells, copied below
the marker line by `python -m mnist_helpers.series.export`: edit them there. Above it, the pipeline
for many images and scikit-learn's digits as photos; safe file opening is in image_files.py.
"""

import numpy as np
from PIL import Image, ImageOps

# Reading image files safely (mnist_helpers/image_files.py); the exported steps below use these names.
from mnist_helpers.image_files import (  # noqa: F401  (mh.handwriting.labelled_images, .DigitImageError, ...)
    DigitImageError, checked_grey_levels, labelled_images, on_paper, opened_image)


def preprocess_steps(source):
    """Every stage from a file (path or bytes) or a 2-D array of grey levels to an MNIST-style 28x28 image.

    Returns a dict: "grayscale", "ink", "cropped" (to the one digit the ink holds), "boxed" (at
    most 20x20) and "mnist" (28x28, float32), plus "polarity" ("dark on light" or "light on dark").
    """
    gray = read_grayscale(source)
    ink, polarity = find_ink(gray)
    cropped = crop_to_ink(one_digit(ink))
    boxed = fit_box(cropped)
    return {"grayscale": gray, "ink": ink, "polarity": polarity, "cropped": cropped, "boxed": boxed,
            "mnist": place_by_centre_of_mass(boxed)}


def to_mnist(source):
    """An MNIST-style 28x28 float32 image in [0, 1] (ink 1) from an image file of one digit."""
    return preprocess_steps(source)["mnist"]


def digit_photo(ink, side=64, margin=0):
    """A small ink array (e.g. scikit-learn's 8x8 digits, ink 0 to 1) drawn as a clean photo would show it.

    Dark on white (grey level 1 - ink), enlarged smoothly to side x side (Lanczos, the interpolation
    `fit_box` uses, so the photo shows the same digit the direct route enlarges), on a page with
    `margin` pixels of paper all round (0: the digit fills the frame, as optdigits are cropped).
    Notebook 08 reads UCI's optdigits this way.
    """
    enlarged = Image.fromarray(1 - np.asarray(ink, dtype="float32")).resize((side, side), Image.Resampling.LANCZOS)
    return np.pad(np.clip(np.asarray(enlarged), 0, 1), margin, constant_values=1.0)


# --- From notebooks/08_your_handwriting.ipynb: edit it there, then run `python -m mnist_helpers.series.export` ---

WORKING_SIDE = 512  # larger images are shrunk to this before the analysis: plenty for a 20x20 result


def fit_longer_side(image, side):
    """Resize a float image so its longer side is `side` pixels, keeping the aspect ratio, anti-aliased."""
    scale = side / max(image.shape)
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))  # Pillow: (width, height)
    resized = np.asarray(Image.fromarray(image.astype("float32")).resize(size, Image.Resampling.LANCZOS))
    return np.clip(resized, 0, 1)  # Lanczos overshoots a little at sharp edges


def read_grayscale(source):
    """Grey levels in [0, 1] (0 black, 1 white) of an image file (a path, or its bytes), upright, at most
    WORKING_SIDE pixels a side. A 2-D NumPy array is taken as grey levels already."""
    if isinstance(source, np.ndarray):
        gray = checked_grey_levels(np.asarray(source, dtype="float32"), "the array")
    else:
        with opened_image(source) as (image, name):  # a missing, damaged or enormous file: one clear error
            image = ImageOps.exif_transpose(image)  # upright, as the phone's EXIF tag says it was held
            if image.mode in ("RGBA", "LA", "P", "PA"):  # transparent pixels are white paper
                gray = on_paper(image)
            elif image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16 bits or floating point: by their own range
                gray = checked_grey_levels(np.asarray(image, dtype="float32"), name)
                gray = gray / max(float(gray.max()), 1.0)
            else:  # 8 bits: 0 to 255
                gray = np.asarray(image.convert("L"), dtype="float32") / 255
    if max(gray.shape) > WORKING_SIDE:  # shrunk after the conversion, so every kind of image is anti-aliased alike
        gray = fit_longer_side(gray, WORKING_SIDE)
    return np.clip(gray, 0, 1)


def smooth3x3(image):
    """Each pixel replaced by the mean of the 3x3 pixels around it (edges repeated)."""
    padded = np.pad(image, 1, mode="edge")
    return sum(padded[r:r + image.shape[0], c:c + image.shape[1]] for r in range(3) for c in range(3)) / 9


def polarity(gray):
    """-1 for dark ink on light paper, +1 for light ink on a dark board.

    A gently curved surface (a quadratic in x and y) is fitted to the image, then refitted
    without the pixels that stand out; the ink is what stands out from it most, darker or lighter.
    """
    y, x = np.indices(gray.shape, dtype="float32") / np.array(gray.shape, "float32")[:, None, None] - 0.5
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1).reshape(-1, 6)
    paper = np.ones(gray.size, bool)  # the first fit uses every pixel
    for _ in range(2):  # the second fit leaves out what looked like ink, so strokes do not bend the surface
        fitted = terms[paper]  # least squares by the normal equations, 6 unknowns (+ 1e-6 on the diagonal: a flat page)
        coefficients = np.linalg.solve(fitted.T @ fitted + 1e-6 * np.eye(6), fitted.T @ gray.ravel()[paper])
        residual = gray - (terms @ coefficients).reshape(gray.shape)
        deviation = smooth3x3(residual - np.median(residual))  # smoothed: one noisy pixel is not a stroke
        sign = 1 if deviation.max() > 3 * -deviation.min() else -1  # light ink only if clearly lighter
        spread = np.median(np.abs(residual - np.median(residual)))
        # paper: within 3 typical deviations, plus 0.02 (5 grey levels) so a noise-free scan keeps its paper
        paper = (sign * residual <= 3 * spread + 0.02).ravel()
    return sign


FALLOFF_DEGREE = 4  # the log of the light is a polynomial of this degree in x and y: vignetting is smooth


def light_falloff(gray):
    """The light's smooth fall-off over the page (vignetting), up to a constant factor.

    The exponential of a polynomial in x and y (FALLOFF_DEGREE), fitted to the slopes of the log
    grey levels: light multiplies, so a shadow is a step in the log, and its edge (like a stroke's)
    is a steep slope that the refit leaves out. What remains is the gentle curve of the light.
    """
    step = int(np.ceil(max(gray.shape) / 128))  # the page in blocks of step x step pixels, 128 a side at most:
    rows, cols = gray.shape[0] // step, gray.shape[1] // step  # averaging them takes out most of the noise
    blocks = gray[:rows * step, :cols * step].reshape(rows, step, cols, step).mean(axis=(1, 3))
    scale = step / max(gray.shape)  # a block's side in page widths: the sums below stay well scaled
    slope_y, slope_x = np.gradient(np.log(np.maximum(blocks, 0.02)), scale)  # 0.02: black has no log
    ys, xs = (np.indices(blocks.shape) + 0.5) * scale - 0.5  # block centres, from the page's centre
    xs, ys, slope_x, slope_y = (a.ravel() for a in (xs, ys, slope_x, slope_y))
    powers = [(i, j) for i in range(FALLOFF_DEGREE + 1) for j in range(FALLOFF_DEGREE + 1 - i) if i + j > 0]
    # x_to[k] is xs ** k, by products (np.vander): `**` of a negative number is many times slower
    x_to, y_to = (np.vander(a, FALLOFF_DEGREE + 1, increasing=True).T for a in (xs, ys))
    # the slopes of the sum of c x^i y^j: along x, c i x^(i-1) y^j; along y, c j x^i y^(j-1)
    terms = np.concatenate([np.stack([i * x_to[max(i - 1, 0)] * y_to[j] for i, j in powers], -1),
                            np.stack([j * x_to[i] * y_to[max(j - 1, 0)] for i, j in powers], -1)])
    slopes = np.concatenate([slope_x, slope_y])
    kept = np.ones(len(slopes), bool)
    for _ in range(4):  # each refit leaves out the slopes far steeper than the fit's typical miss
        fitted = terms[kept]  # least squares by the normal equations, as in `polarity` (+ 1e-6: a flat page)
        coefficients = np.linalg.solve(fitted.T @ fitted + 1e-6 * np.eye(len(powers)), fitted.T @ slopes[kept])
        miss = np.abs(slopes - terms @ coefficients)
        kept = miss <= 3 * np.median(miss[kept]) + 1e-3
    y = np.arange(gray.shape[0], dtype="float32")[:, None] / max(gray.shape) - 0.5  # a column and a row of the
    x = np.arange(gray.shape[1], dtype="float32")[None, :] / max(gray.shape) - 0.5  # page: each term their product
    # in float32, as the image: in float64 the closings of `paper_surface` would take twice as long
    return np.exp(sum(c * x ** i * y ** j for c, (i, j) in zip(coefficients.astype("float32"), powers)))


PAPER_WINDOW = 0.5  # the square's side, as a share of the image's longer side: broad strokes of a digit that
# fills the frame go too; a shadow reaching the page's edge stays (edges repeat outwards)


def paper_surface(gray, sign):
    """The paper's brightness under the ink, the closer of two grey-level closings (dark ink) or openings (light ink):
    of the image as it is and of the image with the light's fall-off divided out; and the second (evened) alone.

    A PAPER_WINDOW-wide square slides over the image: the brightest level it finds, then the darkest of those (the
    other way round for light ink). Strokes, thinner than the square, vanish; the light and shadows, broader than it,
    stay, however sharp their edges. But where a shadow's edge meets darkening corners, no square fits in the shadow
    without reaching the lit side or brighter paper: there the closing is too bright, a broad dark pit that looks like
    ink. Without the fall-off the shadow is a plain step, which the closing follows.
    """
    falloff = light_falloff(gray)  # the light multiplies paper and ink alike, whatever their colours
    as_is, evened = square_filter(gray, sign), square_filter(gray / falloff, sign) * falloff
    return (np.minimum(as_is, evened) if sign < 0 else np.maximum(as_is, evened)), evened  # both err inkwards only


def square_filter(gray, sign):
    """The PAPER_WINDOW-wide closing (dark ink, sign -1) or opening (light ink, +1), the page's edges repeated."""
    size = 2 * round(PAPER_WINDOW * max(gray.shape) / 2) + 1  # odd: centred on its pixel
    surface = np.pad(gray, size // 2, mode="edge")  # the page's edges repeated: half a square is as good as for ever
    for reduce in ((np.maximum, np.minimum) if sign < 0 else (np.minimum, np.maximum)):
        for _ in range(2):  # a square: down the columns, then (transposed) along the rows
            padded = np.pad(surface, ((size // 2, size // 2), (0, 0)), mode="edge")
            rows = len(surface)
            surface = padded[:rows].copy()  # a copy, updated in place: no new image for each shift
            for shift in range(1, size):  # the column around each pixel, one row further at a time
                reduce(surface, padded[shift:shift + rows], out=surface)
            surface = np.ascontiguousarray(surface.T)  # rows contiguous in memory: the loop above runs fastest
    return surface[size // 2:size // 2 + gray.shape[0], size // 2:size // 2 + gray.shape[1]]


def ink_contrast(gray):
    """Ink strength per pixel relative to the paper under it, its polarity, and the paper's noise.

    Returns (contrast, smoothed, sign, noise): contrast is 0 on clean paper and 0.5 where a stroke
    reflects half the light of the paper around it; smoothed is the contrast of the grey levels
    averaged over 3x3 pixels, on which `find_ink` decides, and noise its spread on the paper.
    """
    sign = polarity(gray)
    smooth_gray = smooth3x3(gray)
    paper, evened = paper_surface(smooth_gray, sign)  # smoothed first, so the paper is not its brightest noise
    # relative to the local paper: under half the light, ink and paper both reflect half as much
    reference = np.maximum(paper if sign < 0 else 1 - paper, 0.05)  # light ink: from the board's level to white
    contrast = sign * (gray - paper) / reference
    smoothed = sign * (smooth_gray - paper) / reference  # smoothed as the paper was: a sharp shadow edge is 0
    # where the closing rests on the image (a slope of the light, a small image), take the noise from the evened paper:
    padded = np.pad(smooth_gray, 2, mode="edge")
    nearby = [padded[r:r + gray.shape[0], c:c + gray.shape[1]] for r in range(5) for c in range(5)]  # 2 px round
    lifted = np.minimum(evened, np.max(nearby, axis=0)) if sign < 0 else np.maximum(evened, np.min(nearby, axis=0))
    for_noise = sign * (smooth_gray - np.where(paper == smooth_gray, lifted, paper)) / reference
    paper_like = smoothed <= smoothed.max() / 4  # first guess: under a quarter of the strongest mark
    for _ in range(4):  # then only the pixels within 3 noise levels of the paper's level
        level, spread = np.median(smoothed[paper_like]), for_noise[paper_like]
        noise = 1.4826 * float(np.median(np.abs(spread - np.median(spread))))  # a robust standard deviation
        paper_like = np.abs(smoothed - level) <= 3 * max(noise, 1e-6)
    noise = max(noise, 1 / 255 / 3 / float(np.median(reference)))  # at least a third of a grey level
    return contrast - level, smoothed - level, sign, noise  # the paper's level is 0


MIN_SIGNAL_TO_NOISE = 20  # the strongest ink must stand out of the paper by 20 times the paper's noise
INK_FLOOR_NOISE = 10  # ink weaker than 10 times that noise (about 3 times a single pixel's) is texture, noise or shadow


def find_ink(gray):
    """Ink strength in [0, 1] per pixel, whatever the ink's colour and the light, and its polarity.

    Raises DigitImageError when the strongest ink (averaged over 3x3 pixels) does not stand out
    of the paper's own noise by MIN_SIGNAL_TO_NOISE: a blank page, however lit.
    """
    contrast, smoothed, sign, noise = ink_contrast(gray)  # smoothed: one noisy pixel cannot set the strongest
    floor = INK_FLOOR_NOISE * noise  # weaker than this is paper texture, noise or shadow
    strongest = float(smoothed[contrast > floor].max(initial=0)) + 0  # where the pixel is ink too (+ 0: no -0.0)
    if strongest < MIN_SIGNAL_TO_NOISE * noise:
        raise DigitImageError(
            f"No ink found: the strongest mark differs from the paper by {strongest:.1%}, {strongest / noise:.1f} "
            f"times the paper's own noise ({noise:.2%}); a digit stands out by at least {MIN_SIGNAL_TO_NOISE} times. "
            f"Is the page blank? Photograph the digit in good light, in dark ink on plain paper.")
    ink = np.clip((contrast - floor) / (strongest - floor), 0, 1)
    ink[smoothed <= floor] = 0  # a lone noisy pixel is not ink: a stroke is strong over its 3x3 neighbours too
    return ink.astype("float32"), ("dark on light" if sign < 0 else "light on dark")


PART_GAP = 1 / 32  # a gap of empty rows (columns) wider than this share of the ink's extent parts the ink
PART_SHARE = 0.1  # a part holding this share of the ink or more is a mark (a digit, or a large piece of one)


def one_digit(ink):
    """The ink within the rows and the columns of its marks; specks away from them are dropped.

    Raises DigitImageError when marks stand side by side with a clear gap: two digits, not one.
    """
    rows, cols = np.nonzero(ink)
    gap = PART_GAP * (max(np.ptp(rows), np.ptp(cols)) + 1)  # narrower gaps, a pencil stroke's, do not count
    box = []
    for axis in (1, 0):  # summed across each row (rows first), then down each column, as crop_to_ink does
        profile = ink.sum(axis=axis)
        inked = np.flatnonzero(profile)
        breaks = np.flatnonzero(np.diff(inked) > gap + 1)  # more than `gap` empty rows (columns) between
        parts = zip(np.r_[inked[0], inked[breaks + 1]], np.r_[inked[breaks], inked[-1]] + 1)  # (first, stop)
        marks = [(first, stop) for first, stop in parts if profile[first:stop].sum() >= PART_SHARE * profile.sum()]
        if axis == 0 and len(marks) > 1:
            raise DigitImageError(f"The image holds {len(marks)} separate marks side by side ({len(marks)} digits?): "
                                  f"crop the photo to one digit.")
        box.append(slice(marks[0][0], marks[-1][1]) if marks else slice(None))  # no mark: small pieces, all kept
    kept = np.zeros_like(ink)
    kept[tuple(box)] = ink[tuple(box)]
    return kept


CROP_TRIM = 0.002  # share of the ink left outside the crop on each side: its faint fringe


def crop_to_ink(ink):
    """The smallest rectangle holding all but CROP_TRIM of the ink on each side."""
    bounds = []
    for axis in (1, 0):  # summed across each row (rows first), then down each column
        cumulative = np.cumsum(ink.sum(axis=axis)) / ink.sum()  # share of the ink up to each row (column)
        first = int(np.searchsorted(cumulative, CROP_TRIM, side="right"))
        last = int(np.searchsorted(cumulative, 1 - CROP_TRIM))
        bounds.append((first, min(last + 1, len(cumulative))))
    (top, bottom), (left, right) = bounds
    return ink[top:bottom, left:right]


def fit_box(ink, box=20):
    """Resize so that the longer side is `box` pixels, keeping the aspect ratio, anti-aliased (step 1's resize)."""
    return fit_longer_side(ink, box)


def centre_of_mass(image):
    """(row, column) of the ink's centre of mass, in pixel indices."""
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def place_by_centre_of_mass(digit, size=28, centre=14.0):
    """Paste `digit` into a size x size field so its centre of mass lands on `centre` (whole pixels, as MNIST)."""
    row, col = centre_of_mass(digit)
    top, left = round(centre - row), round(centre - col)
    field = np.zeros((size, size), "float32")
    height, width = digit.shape
    r0, c0 = max(top, 0), max(left, 0)  # clip the paste to the field: only a digit far off-centre loses an edge
    r1, c1 = min(top + height, size), min(left + width, size)
    field[r0:r1, c0:c1] = digit[r0 - top:r1 - top, c0 - left:c1 - left]
    return field
