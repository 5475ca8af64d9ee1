"""Light, camera and sensor: shading the material maps once, then the camera's jitter, blur and the sensor's noise."""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.synthetic.scene_config import SceneConfig, _GAMMA
from core.synthetic.canvas import _Canvas, _grid


# ==============================================================================================================
# Light, camera, sensor
# ==============================================================================================================


@dataclass
class _Light:
    azimuth: float
    elevation: float
    colour: np.ndarray
    gain: float
    gradient: float
    gradient_angle: float
    vignette: float


def _draw_light(rng: np.random.Generator, config: SceneConfig) -> _Light:
    if config.nuisance == "lighting":
        lo, hi = config.light_azimuth_range
        azimuth = (0.5 * (lo + hi) + 180.0 + rng.uniform(-25, 25)) % 360.0  # from the opposite side
        elevation = rng.uniform(18.0, 28.0)  # low, raking
        cast = np.array([(1.0, 0.78, 0.5), (0.62, 0.8, 1.0)][int(rng.integers(2))], np.float32)
        gain = rng.uniform(1.0, 1.25)
        gradient = rng.uniform(0.3, 0.45)
    else:
        azimuth = rng.uniform(*config.light_azimuth_range)
        elevation = rng.uniform(*config.light_elevation_range)
        cast = (1.0 + rng.uniform(-config.colour_cast, config.colour_cast, 3)).astype(np.float32)
        gain = rng.uniform(*config.gain_range)
        gradient = rng.uniform(*config.illumination_gradient_range)
    cast = cast / float(cast.mean())
    return _Light(
        azimuth=float(azimuth),
        elevation=float(elevation),
        colour=cast,
        gain=float(gain),
        gradient=float(gradient),
        gradient_angle=float(azimuth + rng.uniform(-20, 20)),
        vignette=float(rng.uniform(0.1, 0.25)),
    )


def _shade(c: _Canvas, light: _Light) -> np.ndarray:
    """Linear RGB under one directional light, with shadows and ambient occlusion from the height map."""
    s = c.size
    az, el = math.radians(light.azimuth), math.radians(light.elevation)
    lx, ly, lz = math.cos(az) * math.cos(el), math.sin(az) * math.cos(el), math.sin(el)

    height = c.height
    gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3) * (s / 8.0)
    gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3) * (s / 8.0)
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    nx, ny, nz = -gx / norm, -gy / norm, 1.0 / norm
    diffuse = np.clip(nx * lx + ny * ly + nz * lz, 0.0, 1.0)
    hx, hy, hz = lx, ly, lz + 1.0
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    n_dot_h = np.clip((nx * hx + ny * hy + nz * hz) / hn, 0.0, 1.0)
    specular = c.spec * np.power(n_dot_h, c.gloss)

    # Height-map shadows: a point is in shadow when the surface towards the light rises above the light ray.
    shadow = np.zeros_like(height)
    tan_el = math.tan(el)
    scale = s / 256.0
    for step in (1.5, 3.0, 5.0, 8.0, 12.0, 18.0):
        t = step * scale
        m = np.float32([[1, 0, lx / math.cos(el) * t], [0, 1, ly / math.cos(el) * t]])
        ahead = cv2.warpAffine(height, m, (s, s), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
        rise = (ahead - height) * s - t * tan_el
        shadow = np.maximum(shadow, np.clip(rise / 1.5, 0.0, 1.0))
    shadow = 1.0 - 0.7 * cv2.GaussianBlur(shadow, (0, 0), 0.8 * scale + 0.3)  # sky and walls fill shadows a little
    occlusion = 1.0 - np.clip((cv2.GaussianBlur(height, (0, 0), 6 * scale) - height) * s * 0.08, 0.0, 0.6)

    ambient = 0.22
    lit = c.albedo * (ambient * occlusion + 0.85 * diffuse * shadow)[..., None] + (specular * shadow)[..., None] * 0.9

    X, Y = (g - 0.5 for g in _grid(s))
    ga = math.radians(light.gradient_angle)
    falloff = 1.0 + light.gradient * (X * math.cos(ga) + Y * math.sin(ga)) * -2.0  # brighter towards the lamp
    vignette = 1.0 - light.vignette * (X * X + Y * Y) * 2.0
    field_ = (falloff * vignette * light.gain).astype(np.float32)
    return lit * field_[..., None] * light.colour[None, None]


def _camera(linear: np.ndarray, alpha: np.ndarray, rng: np.random.Generator, config: SceneConfig):
    """Small hand-held shift and roll; the mask moves with the picture."""
    s = config.size
    dx, dy = rng.uniform(-config.camera_shift, config.camera_shift, 2) * s
    angle = rng.uniform(-config.camera_rotation, config.camera_rotation)
    m = cv2.getRotationMatrix2D((s / 2, s / 2), float(angle), 1.0)
    m[:, 2] += (dx, dy)
    moved = cv2.warpAffine(linear, m, (s, s), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    moved_alpha = cv2.warpAffine(alpha, m, (s, s), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return moved, moved_alpha


def _sensor(linear: np.ndarray, rng: np.random.Generator, config: SceneConfig) -> np.ndarray:
    """Slight defocus, gamma, and noise that grows with brightness like photon noise."""
    s = config.size
    sigma_blur = rng.uniform(0.0, 0.6) * s / 256.0
    if sigma_blur > 0.05:
        linear = cv2.GaussianBlur(linear, (0, 0), sigma_blur)
    srgb = cv2.pow(np.clip(linear, 0.0, 1.0), 1.0 / _GAMMA)
    sigma = rng.uniform(*config.noise_sigma_range)
    noise = rng.standard_normal(srgb.shape, dtype=np.float32) * sigma * (0.6 + 0.8 * srgb)
    return np.clip(np.round((srgb + noise) * 255.0), 0, 255).astype(np.uint8)
