"""Foreign bodies: wire, loose nuts and bolts, leaves, rags and stones, painted into the scene's maps with their mask."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from core.synthetic.scene_config import SceneConfig
from core.synthetic.canvas import (
    _Canvas, _Noise, _bevel, _polyline_distance, _rotate, _sd_box, _sd_circle, _sd_hexagon, _srgb, _tube,
)


# ==============================================================================================================
# Foreign bodies
# ==============================================================================================================


@dataclass
class _Look:
    sdf: np.ndarray  # signed distance in the body's own unit coordinates
    albedo: np.ndarray  # sRGB 0..1, h x w x 3
    height: np.ndarray  # unit coordinates, scaled with the body
    spec: object
    gloss: object


_Shape = Callable[[np.ndarray, np.ndarray], _Look]


def _paint_foreign_body(c: _Canvas, rng: np.random.Generator, config: SceneConfig) -> tuple[str, np.ndarray]:
    kind = str(config.foreign_kinds[int(rng.integers(len(config.foreign_kinds)))])
    shape, extent, mode = _BODY_MAKERS[kind](rng)
    angle = float(rng.uniform(0, 2 * math.pi))
    cx, cy = (float(v) for v in rng.uniform(0.16, 0.84, 2))
    target = float(rng.uniform(*config.foreign_area_range))

    def evaluate(scale: float):
        half = extent * scale + 2.0 / c.size
        w = c.window(cx, cy, half)
        u, v = _rotate(w.X, w.Y, cx, cy, angle)
        look = shape(u / scale, v / scale)
        alpha = c.coverage(look.sdf * scale)
        return w, look, alpha

    scale = 1.0
    for _ in range(4):  # area grows with scale squared, so one correction usually lands within a few percent
        w, look, alpha = evaluate(scale)
        area = float(alpha.sum()) / (c.size * c.size)
        if abs(area / target - 1.0) < 0.08:
            break
        scale *= math.sqrt(target / area) if area > 0 else 1.5
    c.paint(w, alpha, _srgb(np.clip(look.albedo, 0, 1)), look.height * scale, look.spec, look.gloss, mode=mode)
    full_alpha = np.zeros((c.size, c.size), np.float32)
    full_alpha[w.ys, w.xs] = alpha
    return kind, full_alpha


def _polar_blob(rng: np.random.Generator, radius: float, roughness: float, orders: int, fray: float = 0.0):
    """Radius as a function of angle: a random star-shaped outline (stones, rags), tabulated once."""
    amps = rng.normal(0, roughness, orders) / np.arange(2, orders + 2)
    phases = rng.uniform(0, 2 * np.pi, orders)
    fray_amps = rng.normal(0, fray, 24) / np.sqrt(np.arange(8, 32))
    fray_phases = rng.uniform(0, 2 * np.pi, 24)
    angles = np.linspace(-np.pi, np.pi, 1025)
    r = 1 + np.sum(amps[:, None] * np.cos(np.arange(2, orders + 2)[:, None] * angles[None] + phases[:, None]), axis=0)
    if fray:
        k = np.arange(8, 32)[:, None]
        r = r + np.sum(fray_amps[:, None] * np.cos(k * angles[None] + fray_phases[:, None]), axis=0)
    table = (radius * np.maximum(r, 0.3)).astype(np.float32)

    def outline(theta):
        return np.interp(theta, angles, table).astype(np.float32)

    return outline


def _make_wire(rng: np.random.Generator):
    length = rng.uniform(0.3, 0.42)
    radius = rng.uniform(0.014, 0.02)
    steps = 28
    heading = np.cumsum(rng.normal(0, 0.22, steps)) + rng.uniform(-0.3, 0.3)
    heading = np.convolve(heading, np.ones(5) / 5, mode="same")
    pts = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], 1) * (length / steps), axis=0)
    pts = np.vstack([[0.0, 0.0], pts])
    pts -= pts.mean(axis=0)
    insulations = [(0.75, 0.12, 0.1), (0.88, 0.72, 0.12), (0.16, 0.55, 0.22), (0.16, 0.32, 0.78), (0.82, 0.47, 0.26)]
    choice = int(rng.integers(len(insulations)))
    insulation = np.array(insulations[choice], np.float32)
    bare = choice == len(insulations) - 1
    copper = np.array([0.86, 0.52, 0.3], np.float32)
    total = float(np.sum(np.hypot(*np.diff(pts, axis=0).T)))
    stripped = 0.03

    def shape(u, v):
        d, along, _ = _polyline_distance(u, v, pts.astype(np.float32))
        tip = (along < stripped) | (along > total - stripped)
        r = np.where(tip & (not bare), radius * 0.55, radius)
        sdf = d - r
        colour = np.where(tip[..., None] | bare, copper[None, None], insulation[None, None])
        shading = 1 + 0.03 * np.sin(along * 900.0)[..., None] * bare
        height = 0.004 + _tube(d, r)
        spec = np.where(tip | bare, 0.9, 0.35)
        gloss = np.where(tip | bare, 60.0, 28.0)
        return _Look(sdf, colour * shading, height, spec, gloss)

    extent = float(np.abs(pts).max() + radius * 1.5)
    return shape, extent, "drape"


def _make_nut(rng: np.random.Generator):
    inradius = 0.06
    hole = inradius * rng.uniform(0.45, 0.55)
    colour = np.array([(0.82, 0.68, 0.3), (0.74, 0.6, 0.34), (0.6, 0.38, 0.22)][int(rng.integers(3))], np.float32)
    tint = _Noise(rng, 6, extent=0.3, origin=(-0.15, -0.15), res=64)

    def shape(u, v):
        outer = _sd_hexagon(u, v, 0.0, 0.0, inradius)
        inner = -_sd_circle(u, v, 0.0, 0.0, hole)
        sdf = np.maximum(outer, inner)
        chamfer = np.minimum(_bevel(outer, 0.012), _bevel(inner, 0.008))
        thread = 1 - 0.25 * np.clip(1 - (np.hypot(u, v) - hole) / 0.01, 0, 1)
        albedo = colour[None, None] * (1 + 0.08 * tint(u, v)[..., None]) * thread[..., None]
        return _Look(sdf, albedo, 0.03 * chamfer + 0.004, 0.75, 40.0)

    return shape, inradius * 1.2, "rest"


def _make_bolt(rng: np.random.Generator):
    r = 0.022
    shank = rng.uniform(0.09, 0.14)
    head_half = 0.02
    colour = np.array([(0.62, 0.36, 0.2), (0.82, 0.68, 0.3)][int(rng.integers(2))], np.float32)
    rust = _Noise(rng, 10, extent=0.4, origin=(-0.2, -0.2), res=96)
    x_head = -shank / 2 - head_half

    def shape(u, v):
        head = _sd_box(u, v, x_head, 0.0, head_half, r * 1.75, 0.0, 0.004)
        body = _sd_box(u, v, 0.0, 0.0, shank / 2, r, 0.0, 0.003)
        sdf = np.minimum(head, body)
        threaded = (u > -shank / 2 + 0.03).astype(np.float32)
        ridges = np.sin(2 * np.pi * (u + 0.25 * v) / 0.008) * threaded
        across_body = _tube(np.abs(v), r) * (1 + 0.08 * ridges)
        facets = np.where(np.abs(v) < r * 0.6, 1.0, 0.78)  # hex head seen from the side: flat faces
        height = np.where(head < body, r * 1.6 * facets * _bevel(head, 0.006), across_body) + 0.003
        albedo = colour[None, None] * (1 + 0.12 * rust(u, v)[..., None] + 0.06 * ridges[..., None])
        return _Look(sdf, albedo, height, 0.5, 30.0)

    return shape, shank / 2 + 2 * head_half + r, "rest"


def _make_leaf(rng: np.random.Generator):
    length = rng.uniform(0.2, 0.26)
    width = length * rng.uniform(0.38, 0.5)
    bend = rng.uniform(-1.2, 1.2)
    colour = np.array([(0.36, 0.52, 0.16), (0.7, 0.55, 0.16), (0.55, 0.33, 0.14)][int(rng.integers(3))], np.float32)
    spots = _Noise(rng, 8, extent=0.4, origin=(-0.2, -0.2), res=96)

    def shape(u, v):
        v_bent = v - bend * (u * u - (length / 2) ** 2 / 3)
        t = np.clip(2 * u / length, -1, 1)
        half = 0.5 * width * np.power(np.clip(1 - t * t, 0, 1), 0.75)
        sdf = np.maximum(np.abs(v_bent) - half, np.abs(u) - length / 2) * 0.9
        stem = _sd_box(u, v_bent, -length / 2 - 0.02, 0.0, 0.025, 0.003)
        sdf = np.minimum(sdf, stem)
        rel = np.abs(v_bent) / np.maximum(half, 1e-4)
        midrib = np.clip(1 - np.abs(v_bent) / 0.0035, 0, 1)
        veins = np.clip(1 - np.abs(np.sin(2 * np.pi * (u - 0.8 * np.abs(v_bent)) / 0.03)) / 0.18, 0, 1) * (rel < 0.9)
        tone = colour[None, None] * (1 + 0.18 * spots(u, v)[..., None])
        tone = tone * (1 - 0.18 * veins[..., None]) + 0.25 * midrib[..., None] * np.array([0.9, 0.85, 0.55], np.float32)
        height = 0.003 + 0.008 * np.clip(1 - rel, 0, 1) + 0.002 * midrib
        return _Look(sdf, tone, height, 0.18, 14.0)

    return shape, length / 2 + 0.05, "drape"


def _make_rag(rng: np.random.Generator):
    radius = 0.085
    outline = _polar_blob(rng, radius, 0.5, 5, fray=0.05)
    colour = np.array([(0.32, 0.42, 0.62), (0.25, 0.55, 0.55), (0.76, 0.72, 0.62)][int(rng.integers(3))], np.float32)
    folds = _Noise(rng, 5, extent=0.4, origin=(-0.2, -0.2), res=96)
    stains = _Noise(rng, 9, extent=0.4, origin=(-0.2, -0.2), res=96)
    weave_angle = rng.uniform(0, np.pi)

    def shape(u, v):
        rho, theta = np.hypot(u, v), np.arctan2(v, u)
        sdf = (rho - outline(theta)) * 0.8
        a, b = _rotate(u, v, 0.0, 0.0, weave_angle)
        weave = np.sin(2 * np.pi * a / 0.011) * np.sin(2 * np.pi * b / 0.011)
        fold = folds(u, v)
        dirt = np.clip(stains(u, v), 0, None)
        tone = colour[None, None] * (1 + 0.06 * weave[..., None]) * (1 - 0.35 * dirt[..., None] / 2.5)
        height = 0.004 + 0.008 * (fold + 2) / 4 + 0.0006 * weave
        return _Look(sdf, tone, height, 0.04, 6.0)

    return shape, radius * 2.2, "drape"


def _make_stone(rng: np.random.Generator):
    radius = 0.07
    outline = _polar_blob(rng, radius, 0.35, 4)
    colour = np.array([(0.66, 0.6, 0.5), (0.7, 0.5, 0.37), (0.58, 0.56, 0.52)][int(rng.integers(3))], np.float32)
    grain = _Noise(rng, 40, extent=0.4, origin=(-0.2, -0.2), res=256)
    mottling = _Noise(rng, 7, extent=0.4, origin=(-0.2, -0.2), res=96)
    dome = rng.uniform(0.45, 0.7)

    def shape(u, v):
        rho, theta = np.hypot(u, v), np.arctan2(v, u)
        r = outline(theta)
        sdf = (rho - r) * 0.85
        q = np.clip(rho / r, 0, 1)
        g = grain(u, v)
        specks = np.where(g > 1.4, 0.55, np.where(g < -1.6, -0.45, 0.0))
        tone = colour[None, None] * (1 + 0.12 * mottling(u, v)[..., None] + specks[..., None] * 0.6)
        height = dome * radius * np.sqrt(np.clip(1 - q * q, 0, 1)) + 0.0015 * g
        return _Look(sdf, tone, height, 0.08, 8.0)

    return shape, radius * 1.8, "rest"


_BODY_MAKERS = {
    "wire": _make_wire,
    "loose_nut": _make_nut,
    "loose_bolt": _make_bolt,
    "leaf": _make_leaf,
    "rag": _make_rag,
    "stone": _make_stone,
}


