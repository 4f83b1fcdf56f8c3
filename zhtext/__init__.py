"""Chinese text handling shared by every stage: normalise, mask personal data, segment, clean."""

from zhtext.clean import clean_text
from zhtext.normalize import normalize
from zhtext.privacy import mask_personal_data
from zhtext.segment import Segmenter, default_segmenter

__all__ = ["clean_text", "normalize", "mask_personal_data", "Segmenter", "default_segmenter"]
