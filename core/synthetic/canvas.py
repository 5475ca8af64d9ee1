"""Drawing primitives of the synthetic scenes: material maps, anti-aliased signed-distance shapes and noise."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import cv2
import numpy as np

from core.synthetic.scene_config import _GAMMA


class _Canvas:
    """Material maps of the scene: linear albedo, height (in image-side fractions), specular strength, gloss."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.albedo = np.zeros((size, size, 3), np.float32)
        self.height = np.zeros((size, size), np.float32)
        self.spec = np.zeros((size, size), np.float32)
        self.gloss = np.full((size, size), 8.0, np.float32)

    def copy(self) -> "_Canvas":
        other = _Canvas.__new__(_Canvas)
        other.size = self.size
        other.albedo = self.albedo.copy()
        other.height = self.height.copy()
        other.spec = self.spec.copy()
        other.gloss = self.gloss.copy()
        return other

    def window(self, cx: float, cy: float, half_w: float, half_h: Optional[float] = None) -> Optional["_Window"]:
        half_h = half_w if half_h is None else half_h
        s = self.size
        x0 = max(0, int(math.floor((cx - half_w) * s)) - 1)
        x1 = min(s, int(math.ceil((cx + half_w) * s)) + 1)
        y0 = max(0, int(math.floor((cy - half_h) * s)) - 1)
        y1 = min(s, int(math.ceil((cy + half_h) * s)) + 1)
        if x1 <= x0 or y1 <= y0:
            return None
        xs = (np.arange(x0, x1, dtype=np.float32) + 0.5) / s
        ys = (np.arange(y0, y1, dtype=np.float32) + 0.5) / s
        X, Y = np.meshgrid(xs, ys)
        return _Window(slice(y0, y1), slice(x0, x1), X, Y)

    def full(self) -> "_Window":
        X, Y = _grid(self.size)
        return _Window(slice(0, self.size), slice(0, self.size), X, Y)

    def coverage(self, sdf: np.ndarray) -> np.ndarray:
        """Anti-aliased coverage of a shape from its signed distance (in image fractions, negative inside)."""
        return np.clip(0.5 - sdf * self.size, 0.0, 1.0).astype(np.float32)

    def paint(
        self,
        win: "_Window",
        alpha: np.ndarray,
        albedo,
        height,
        spec,
        gloss,
        mode: str = "level",
    ) -> None:
        """Lay a material over what is there.

        ``level``: ``height`` is absolute. ``drape``: ``height`` is added to the surface beneath (cloth, leaves,
        wires follow the surface). ``rest``: a rigid object sits on the highest point under its footprint.
        """
        a = alpha[..., None]
        region = self.albedo[win.ys, win.xs]
        region *= 1.0 - a
        region += a * np.asarray(albedo, np.float32)
        under = self.height[win.ys, win.xs]
        if mode == "drape":
            # Cloth and leaves bridge holes and soften steps instead of following every dip of the metal.
            k = max(3, int(0.03 * self.size) | 1)
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
            bridged = cv2.morphologyEx(np.ascontiguousarray(under), cv2.MORPH_CLOSE, kernel)
            top = cv2.GaussianBlur(bridged, (0, 0), 0.006 * self.size) + height
        elif mode == "rest":
            footprint = alpha > 0.5
            base = float(np.percentile(under[footprint], 90)) if footprint.any() else 0.0
            top = base + height
        else:
            top = height
        self.height[win.ys, win.xs] = under * (1.0 - alpha) + top * alpha
        for target, value in ((self.spec, spec), (self.gloss, gloss)):
            view = target[win.ys, win.xs]
            target[win.ys, win.xs] = view * (1.0 - alpha) + np.asarray(value, np.float32) * alpha


@lru_cache(maxsize=8)
def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates of the whole image, in fractions of its side (shared, read-only)."""
    axis = (np.arange(size, dtype=np.float32) + 0.5) / size
    X, Y = np.meshgrid(axis, axis)
    X.setflags(write=False)
    Y.setflags(write=False)
    return X, Y


@dataclass
class _Window:
    ys: slice
    xs: slice
    X: np.ndarray
    Y: np.ndarray


def _srgb(rgb) -> np.ndarray:
    """Colours are written as sRGB-ish 0..1 triples; shading happens in linear light."""
    values = np.asarray(rgb, np.float32)
    if values.ndim < 2:
        return np.power(values, _GAMMA)
    return cv2.pow(np.ascontiguousarray(values), _GAMMA)


def _sd_circle(X, Y, cx, cy, r):
    return np.hypot(X - cx, Y - cy) - r


def _rotate(X, Y, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    dx, dy = X - cx, Y - cy
    return c * dx + s * dy, -s * dx + c * dy


def _sd_box(X, Y, cx, cy, half_w, half_h, angle=0.0, corner=0.0):
    u, v = _rotate(X, Y, cx, cy, angle)
    qx = np.abs(u) - (half_w - corner)
    qy = np.abs(v) - (half_h - corner)
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return outside + np.minimum(np.maximum(qx, qy), 0) - corner


def _sd_hexagon(X, Y, cx, cy, inradius, angle=0.0):
    u, v = _rotate(X, Y, cx, cy, angle)
    kx, ky, kz = -0.866025404, 0.5, 0.577350269
    px, py = np.abs(u), np.abs(v)
    d = np.minimum(kx * px + ky * py, 0.0)
    px, py = px - 2 * d * kx, py - 2 * d * ky
    px = px - np.clip(px, -kz * inradius, kz * inradius)
    py = py - inradius
    return np.hypot(px, py) * np.sign(py)


def _polyline_distance(X, Y, points: np.ndarray, size: Optional[int] = None, reach: Optional[float] = None):
    """Distance to a polyline, the arc length at the nearest point, and the side (+1/-1) of the line.

    With ``size`` and ``reach`` only pixels within about ``reach`` of the line are measured (a long hose crosses
    a large window but covers few of its pixels); the others get a distance of 1 (far outside any shape).
    """
    if size is not None and reach is not None:
        near = np.zeros(X.shape, np.uint8)
        pix = np.round((points - np.array([X[0, 0], Y[0, 0]], np.float32)) * size * 4).astype(np.int32)
        thickness = int(math.ceil(2 * reach * size)) + 3
        cv2.polylines(near, [pix.reshape(-1, 1, 2)], False, 1, thickness=thickness, lineType=cv2.LINE_8, shift=2)
        rows, cols = np.nonzero(near)
        dist = np.ones(X.shape, np.float32)
        along = np.zeros(X.shape, np.float32)
        side = np.ones(X.shape, np.float32)
        if rows.size:
            d, a, sd = _polyline_distance(X[rows, cols][None], Y[rows, cols][None], points)
            dist[rows, cols], along[rows, cols], side[rows, cols] = d[0], a[0], sd[0]
        return dist, along, side
    a = points[:-1].astype(np.float32)
    ab = points[1:].astype(np.float32) - a
    seg_len = np.hypot(ab[:, 0], ab[:, 1]) + np.float32(1e-9)
    starts = np.concatenate([[0.0], np.cumsum(seg_len)[:-1]]).astype(np.float32)
    abx, aby = ab[:, 0, None, None], ab[:, 1, None, None]
    px = X[None] - a[:, 0, None, None]
    py = Y[None] - a[:, 1, None, None]
    t = np.clip((px * abx + py * aby) * (1.0 / seg_len**2)[:, None, None], 0.0, 1.0)
    dx = px - t * abx
    dy = py - t * aby
    nearest = np.argmin(dx * dx + dy * dy, axis=0)
    # Everything else only for the nearest segment of each pixel.
    pick = lambda arr: np.take_along_axis(arr, nearest[None], axis=0)[0]  # noqa: E731
    tn, pxn, pyn = pick(t), pick(px), pick(py)
    sx, sy = ab[nearest, 0], ab[nearest, 1]
    d = np.hypot(pxn - tn * sx, pyn - tn * sy)
    along = starts[nearest] + tn * seg_len[nearest]
    cross = sx * pyn - sy * pxn
    return d, along, np.where(cross >= 0, 1.0, -1.0).astype(np.float32)


def _bezier(control: np.ndarray, n: int = 40) -> np.ndarray:
    """About ``n`` points on a Catmull-Rom spline through ``control`` (smooth hoses and wires)."""
    pts = np.vstack([control[0], control, control[-1]]).astype(np.float32)
    per_span = max(2, n // (len(control) - 1))
    t = np.linspace(0, 1, per_span, endpoint=False, dtype=np.float32)[None, :, None]
    p0, p1, p2, p3 = (pts[k: k + len(control) - 1][:, None, :] for k in range(4))
    curve = 0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
    return np.vstack([curve.reshape(-1, 2), control[-1:]]).astype(np.float32)


def _tube(d, radius):
    """Half-cylinder cross-section of a hose or wire of ``radius`` at distance ``d`` from its axis."""
    return np.sqrt(np.maximum(radius * radius - d * d, 0.0)).astype(np.float32)


def _bevel(sdf, width):
    """Height ramp (0..1) from a shape's edge inwards, so edges catch the light."""
    x = np.clip(-sdf / width, 0.0, 1.0)
    return (x * x * (3 - 2 * x)).astype(np.float32)


class _Noise:
    """A smooth random field sampled at any coordinates, so textures don't depend on the output size."""

    def __init__(self, rng: np.random.Generator, cells: int, extent: float = 1.0, origin=(0.0, 0.0), res: int = 256):
        grid = rng.standard_normal((cells + 3, cells + 3)).astype(np.float32)
        self.field = cv2.resize(grid, (res, res), interpolation=cv2.INTER_CUBIC)
        self.field /= float(self.field.std()) + 1e-6
        self.scale = (res - 1) / extent
        self.origin = origin

    def __call__(self, X, Y) -> np.ndarray:
        mx = ((X - self.origin[0]) * self.scale).astype(np.float32)
        my = ((Y - self.origin[1]) * self.scale).astype(np.float32)
        return cv2.remap(self.field, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)


def _fine_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.standard_normal((size, size), dtype=np.float32)


