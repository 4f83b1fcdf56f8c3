"""Chinese text handling shared by every stage: normalise, mask personal data, segment."""

from zhtext.normalize import normalize
from zhtext.privacy import mask_personal_data
from zhtext.segment import Segmenter, default_segmenter

__all__ = ["normalize", "mask_personal_data", "Segmenter", "default_segmenter"]
