"""Scrapy settings for the crawl, built from `veille.config.Settings`.

Every non-default value says why. `politeness=False` exists only for the benchmark
(scripts/bench_crawl.py measures our own overhead against a local server).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veille.config import Settings


def scrapy_settings(settings: Settings, *, politeness: bool = True,
                    overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {
        # Identify ourselves so a webmaster can reach whoever runs the crawl.
        "USER_AGENT": user_agent_string(settings),
        "ROBOTSTXT_OBEY": True,
        # One request at a time per host, spaced by the configured delay; no jitter
        # below the delay (Scrapy's jitter is symmetric, so we switch it off).
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": settings.download_delay,
        "DOWNLOAD_DELAY_JITTER": 0,
        # AutoThrottle slows down on slow hosts; our subclass keeps robots' Crawl-delay.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        # Bounded retries with backoff; 429/503 wait for Retry-After (capped).
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "VEILLE_BACKOFF_BASE": 2.0,
        "VEILLE_BACKOFF_MAX": 60.0,
        "VEILLE_RETRY_AFTER_MAX": 120.0,
        "VEILLE_CRAWL_DELAY_MAX": 60.0,
        "VEILLE_BREAKER_THRESHOLD": 5,
        "REDIRECT_MAX_TIMES": 5,  # a redirect loop fails fast instead of 20 hops
        "DOWNLOAD_TIMEOUT": 30,  # a stuck server must not hold a nightly run for 3 min a page
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # Real certificate checks: default Scrapy accepts any certificate.
        "DOWNLOAD_VERIFY_CERTIFICATES": True,
        # No telnet console, no file:/data:/s3:/ftp: handlers: only http(s) leaves the box.
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "s3": None, "ftp": None},
        "COOKIES_ENABLED": False,  # press sites set tracking cookies; articles need none
        "DOWNLOADER_MIDDLEWARES": {
            # Offsite is checked per source (each has its own domains) by SafetyMiddleware.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawler.middlewares.SafetyMiddleware": 40,
            # robots.txt answering 5xx means "disallow all" (RFC 9309), not "allow all".
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.policy.StrictRobotsTxtMiddleware": 100,
            # TDM rights reservations (W3C TDMRep), honoured unless the research exception
            # is invoked in the settings (docs/sources.md).
            "crawler.policy.TdmMiddleware": 120,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.BackoffRetryMiddleware": 550,
            "crawler.middlewares.HostHealthMiddleware": 950,
        },
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawler.middlewares.PoliteAutoThrottle": 0,
            "scrapy.extensions.telnet.TelnetConsole": None,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "VEILLE_FLUSH_EVERY": 50,
        "VEILLE_TDM_RESEARCH_EXCEPTION": settings.tdm_research_exception,
        "LOG_LEVEL": "INFO",
        "LOGSTATS_INTERVAL": 60.0,
    }
    if not politeness:
        s.update({
            "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        })
        s["EXTENSIONS"] = {**s["EXTENSIONS"], "crawler.middlewares.PoliteAutoThrottle": None}
    s.update(overrides or {})
    return s


def user_agent_string(settings: Settings) -> str:
    ua = settings.user_agent
    if settings.contact_url and settings.contact_url not in ua:
        ua = f"{ua} (+{settings.contact_url})"
    return ua
