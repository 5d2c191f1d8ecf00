# syntax=docker/dockerfile:1
# Mizan HTTP API. Build: docker build -t mizan .   Run: docker run -p 8000:8000 mizan
# The image serves the committed default model from /app/models (MIZAN_MODELS_ROOT).

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: build the wheel and install it with the service extras into a venv ---------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

WORKDIR /src
COPY pyproject.toml README.md ./
COPY detector ./detector
COPY training ./training
COPY service ./service
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && pip install "$(ls /wheels/mizan-*.whl)[service,batch]" \
    && python -m compileall -q /opt/venv/lib

# --- runtime: the venv, the models, a non-root user ---------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MIZAN_MODELS_ROOT=/app/models \
    MIZAN_STORE_URL=sqlite:////app/data/mizan.db \
    MIZAN_HOST=0.0.0.0 \
    MIZAN_PORT=8000

RUN groupadd --system --gid 10001 mizan \
    && useradd --system --uid 10001 --gid mizan --home-dir /app --no-create-home mizan \
    && mkdir -p /app/data \
    && chown mizan:mizan /app/data

COPY --from=builder /opt/venv /opt/venv
COPY models /app/models

WORKDIR /app
USER mizan:mizan
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["mizan", "serve", "--host", "0.0.0.0", "--port", "8000"]
