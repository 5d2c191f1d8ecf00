"""Request and response shapes of the HTTP API, with Arabic and English examples for /docs.

Reports are :class:`mizan.detector.report_shape.ReportOut`, the library's one definition of a
report's shape, re-exported here. The request body of ``/v1/score`` is
:class:`mizan.detector.article.ArticleInput` itself, so the API and the library accept exactly the
same fields. Unknown fields are rejected (422), never
silently dropped: a misspelt ``autor`` must not score an article as if it had no author.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from mizan.detector.article import ArticleInput
from mizan.detector.report_shape import (
    ContributionOut as ContributionOut,
)
from mizan.detector.report_shape import (
    EvidenceOut as EvidenceOut,
)
from mizan.detector.report_shape import (
    ModelRef,
    ReportOut,
    ThresholdsOut,
)
from mizan.detector.report_shape import (
    SignalOut as SignalOut,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mizan.detector.engine import DetectorEngine

# --- responses ---------------------------------------------------------------------------
# A report's shape (ReportOut and the models it nests) is defined once, in the library
# (:mod:`mizan.detector.report_shape`); ``Report.to_dict`` writes it and the batch columns read it.


class BatchResponse(BaseModel):
    """One report per submitted article, in the order they were sent."""

    reports: list[ReportOut]


class SignalInfo(BaseModel):
    """A signal family and its version."""

    name: str
    version: str


class ModelInfo(BaseModel):
    """The loaded model bundle, its thresholds, signals and feature names."""

    model_config = ConfigDict(extra="allow")

    name: str
    version: str
    thresholds: ThresholdsOut
    signals: list[SignalInfo]
    feature_names: list[str]


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Readiness answer."""

    status: Literal["ready"] = "ready"
    model: ModelRef


class ErrorItem(BaseModel):
    """One problem found in a request body."""

    loc: str = Field(description="Where in the body, e.g. 'articles[2].title'.")
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` says what is wrong in words a caller can act on."""

    detail: str
    errors: list[ErrorItem] | None = Field(
        default=None, description="For invalid bodies: each problem with its location."
    )
    request_id: str | None = Field(
        default=None, description="For server faults: the id to quote when reporting it."
    )


# --- requests ----------------------------------------------------------------------------


class BatchRequest(BaseModel):
    """Several articles scored in one call."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleInput] = Field(min_length=1)


@lru_cache(maxsize=16)
def batch_request_model(max_items: int) -> type[BatchRequest]:
    """Return :class:`BatchRequest` with the configured item limit (shown in the schema)."""
    model: type[BatchRequest] = create_model(
        "BatchRequest",
        __base__=BatchRequest,
        __doc__=BatchRequest.__doc__,
        articles=(
            list[ArticleInput],
            Field(
                min_length=1,
                max_length=max_items,
                description=f"1 to {max_items} articles; more is answered with 413.",
            ),
        ),
    )
    return model


# --- examples ----------------------------------------------------------------------------

ENGLISH_ARTICLE: dict[str, Any] = {
    "id": "en-1042",
    "title": "Experts warn Riverton water bills will triple by next summer",
    "body": (
        "Water bills in Riverton will triple by next summer, according to Dr. James Whitfield, "
        'an international water security expert. "Households will pay four times more than '
        'they do today," he said.\n\n'
        "Whitfield added that 97% of residents are unaware of the change. The city water "
        "authority did not respond to a request for comment; its tariff plan, published in "
        "March, foresees a rise of 6 percent over two years."
    ),
    "author": "Sarah Collins",
    "outlet": "Riverton Daily",
    "published_at": "2025-06-02",
    "language": "en",
}

ARABIC_ARTICLE: dict[str, Any] = {
    "id": "ar-2210",
    "title": "خبير: أسعار الذهب ستتضاعف أربع مرات خلال شهر",
    "body": (
        "قال د. محمد الراشد، خبير الأمن الاقتصادي الدولي، إن أسعار الذهب في الأسواق المحلية "
        "ستتضاعف أربع مرات خلال شهر واحد، مؤكداً أن 95% من المستثمرين سيخسرون مدخراتهم.\n\n"
        "وأضاف الراشد أن البنك المركزي يستعد لإجراءات غير مسبوقة، من دون أن يذكر مصدراً لهذه "
        "المعلومات. ولم يصدر عن البنك المركزي أي بيان بهذا الشأن حتى الآن."
    ),
    "author": "أحمد سالم",
    "outlet": "الوطن اليوم",
    "language": "ar",
}

ARABIC_PAGE_TEXT: dict[str, Any] = {
    "body": (
        "الرئيسية | أخبار | اقتصاد | رياضة\n"
        "ارتفاع صادرات التمور 12 في المئة خلال الربع الأول\n"
        "كتب: سامي الخطيب\n"
        "ارتفعت صادرات التمور خلال الربع الأول من العام بنسبة 12 في المئة مقارنة بالفترة نفسها "
        "من العام الماضي، بحسب بيانات نشرتها هيئة الإحصاء يوم الأحد.\n"
        "وقالت الهيئة في بيانها إن قيمة الصادرات بلغت 410 ملايين دولار، وإن الأسواق الآسيوية "
        "استحوذت على نحو ثلثها.\n"
        "شارك المقال\n"
        "عن الكاتب\n"
        "سامي الخطيب صحفي متخصص في الشؤون الاقتصادية."
    ),
}

ENGLISH_HTML: dict[str, Any] = {
    "html": (
        "<html><head><title>Port of Aqaba reopens after storm</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav><article>"
        "<h1>Port of Aqaba reopens after storm</h1>"
        "<p>The port of Aqaba reopened on Tuesday after a two-day closure caused by high "
        "winds, the port authority said in a statement.</p>"
        "<p>Shipping agents said about 40 vessels had been waiting offshore for a berth.</p>"
        "</article><footer>Share on Facebook</footer></body></html>"
    ),
    "url": "https://example.com/world/aqaba-port-reopens",
}

SCORE_REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "english": {"summary": "English article, explicit fields", "value": ENGLISH_ARTICLE},
    "arabic": {"summary": "Arabic article, explicit fields", "value": ARABIC_ARTICLE},
    "arabic_page_text": {
        "summary": "Arabic page text copied from a news site (menu, byline, author box)",
        "value": ARABIC_PAGE_TEXT,
    },
    "html": {"summary": "Raw HTML page", "value": ENGLISH_HTML},
}

BATCH_REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "mixed": {
        "summary": "One English and one Arabic article",
        "value": {"articles": [ENGLISH_ARTICLE, ARABIC_ARTICLE]},
    }
}


# Response examples are real reports: the loaded engine scores the example articles the
# first time the OpenAPI schema is built, so /docs never names a feature no signal emits.
RESPONSE_EXAMPLE_ARTICLES: dict[str, tuple[str, dict[str, Any]]] = {
    "english": ("English article", ENGLISH_ARTICLE),
    "arabic": ("Arabic article", ARABIC_ARTICLE),
}
SCORE_PATH, BATCH_PATH = "/v1/score", "/v1/score/batch"


def score_response_examples(engine: DetectorEngine) -> dict[str, dict[str, Any]]:
    """Score the example articles with ``engine``; return them as OpenAPI response examples.

    Each value is the body ``POST /v1/score`` answers for that article (evidence and top
    contributions included, no full feature list).
    """
    examples: dict[str, dict[str, Any]] = {}
    for name, (summary, article) in RESPONSE_EXAMPLE_ARTICLES.items():
        report = ReportOut.model_validate(engine.score(article).to_dict())
        value = report.model_dump(mode="json", exclude_unset=True)
        examples[name] = {"summary": f"{summary}: {value['verdict']}", "value": value}
    return examples


def batch_response_examples(score_examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the batch answer to the example articles, from their single reports."""
    reports = [score_examples[name]["value"] for name in RESPONSE_EXAMPLE_ARTICLES]
    return {
        "mixed": {
            "summary": "Reports in the order the articles were sent",
            "value": {"reports": reports},
        }
    }


def _set_response_examples(
    schema: dict[str, Any], path: str, examples: dict[str, dict[str, Any]]
) -> None:
    operation = schema.get("paths", {}).get(path, {}).get("post")
    if operation is None:
        return
    content = operation.setdefault("responses", {}).setdefault("200", {}).setdefault("content", {})
    content.setdefault("application/json", {})["examples"] = examples


def install_report_examples(app: FastAPI, engine_of: Callable[[], DetectorEngine | None]) -> None:
    """Make ``app``'s OpenAPI schema show real reports of the example articles.

    The schema is built as FastAPI builds it; once ``engine_of()`` gives the loaded engine,
    the example articles are scored with it and their reports become the 200 examples of
    ``/v1/score`` and ``/v1/score/batch``. While the engine is loading the schema has no
    response examples and is not cached, so the next request builds it with them.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        engine = engine_of()
        if engine is None:
            app.openapi_schema = None
            return schema
        examples = score_response_examples(engine)
        _set_response_examples(schema, SCORE_PATH, examples)
        _set_response_examples(schema, BATCH_PATH, batch_response_examples(examples))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"detail": "malformed JSON: Expecting ',' delimiter at character 27"},
    401: {"detail": "missing API key: send it in the X-API-Key header"},
    413: {"detail": "body has 150000 characters; the limit is 100000"},
    415: {"detail": "unsupported Content-Type 'text/plain': send application/json"},
    422: {
        "detail": "autor: unknown field (accepted: id, title, body, html, url, author, "
        "author_bio, outlet, published_at, language)",
        "errors": [
            {
                "loc": "autor",
                "msg": "unknown field (accepted: id, title, body, html, url, author, "
                "author_bio, outlet, published_at, language)",
                "type": "extra_forbidden",
            }
        ],
    },
    503: {"detail": "the model is still loading; retry in a few seconds"},
}

_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or a body that is not UTF-8.",
    401: "API keys are configured and the X-API-Key header is missing or wrong.",
    413: "Body, text or batch larger than the configured limits.",
    415: "Content-Type other than application/json.",
    422: "Well-formed JSON that is not a valid article (wrong types, unknown fields, no text).",
    503: "The engine is still loading or failed to load.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Return OpenAPI ``responses`` entries for error statuses, each with an example."""
    return {
        status: {
            "model": ErrorOut,
            "description": _ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"example": ERROR_EXAMPLES[status]}},
        }
        for status in statuses
    }
