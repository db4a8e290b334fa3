# One image for every service of docker-compose.yml: Airflow components and the dashboards.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/groundswell/.venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/groundswell/.venv/bin:$PATH \
    GROUNDSWELL_HOME=/data \
    GROUNDSWELL_PROJECT_ROOT=/opt/groundswell

# The weekly digest (groundswell_digest): Debian's chromium draws its charts (kaleido), and brings
# the Pango and fonts WeasyPrint renders its PDF with.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /opt/groundswell
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra celery --extra spark --no-install-project
COPY src ./src
COPY dashboards ./dashboards
COPY dags ./dags
COPY dbt ./dbt
COPY expectations ./expectations
RUN uv sync --frozen --no-dev --extra celery --extra spark

RUN useradd --create-home --uid 50000 groundswell && mkdir -p /data && chown groundswell /data
USER groundswell
VOLUME ["/data"]
