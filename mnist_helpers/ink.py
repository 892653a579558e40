"""Find the ink on a photo of paper, whatever the light: notebook 08's steps 2 to 5.

`find_ink` gives each pixel's ink strength (0 to 1) and the ink's polarity, or refuses a blank page with one
DigitImageError. `polarity` tells dark ink on light paper from light ink on a dark board; `paper_surface` estimates the
paper under the ink (a grey-level closing, with the light's fall-off, `light_falloff`, divided out for shadows);
`ink_contrast` measures each pixel against that paper, and the paper's own noise. mnist_helpers.handwriting runs
`find_ink` between reading the image and keeping the one digit.

Notebook 08's *Going further* tours these steps (2 to 5 of its pipeline), one question each.
"""

import numpy as np

from mnist_helpers.image_files import DigitImageError


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
            surface = padded[:rows].copy()  # a copy, updated in place: no new image for each row further
            for offset in range(1, size):  # the column around each pixel, one row further at a time
                reduce(surface, padded[offset:offset + rows], out=surface)
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
