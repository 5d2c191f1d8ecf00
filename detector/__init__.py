"""Mizan: news reliability and AI-spam detection with evidence, for Arabic and English."""

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.engine import DetectorEngine, Report
from mizan.detector.errors import (
    InvalidArticleError,
    MizanError,
    ModelBundleError,
    SignalNotFoundError,
)

__all__ = [
    "ArticleInput",
    "DetectorEngine",
    "Document",
    "InvalidArticleError",
    "MizanError",
    "ModelBundleError",
    "Report",
    "SignalNotFoundError",
    "parse_article",
]

__version__ = "0.1.0"
