"""Chinese text shared by every stage: normalise, mask personal data, segment, clean; Document does all once."""

from zhtext.clean import clean_text
from zhtext.document import Document
from zhtext.normalize import normalize
from zhtext.privacy import mask_personal_data
from zhtext.segment import Segmenter, default_segmenter

__all__ = ["clean_text", "Document", "normalize", "mask_personal_data", "Segmenter", "default_segmenter"]
