"""Exception -> (stable reason code, detail) for fetch_failures.reason.

Codes: http_<status>, timeout, dns, connection, too_large, redirect_loop, robots,
offsite, private_address, bad_scheme, circuit_open, not_html, bad_sitemap, tls,
error:<ExceptionName> for anything unexpected.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error

from crawler.middlewares import Blocked


def reason_for(exc: BaseException) -> tuple[str, str]:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, Blocked):
        return exc.reason, detail
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status} from {exc.response.url}"
    if isinstance(exc, IgnoreRequest):
        text = detail.lower()
        if "robots" in text:
            return "robots", "forbidden by robots.txt"
        if "redirect" in text:
            return "redirect_loop", detail
        if "offsite" in text:
            return "offsite", detail
        return "ignored", detail
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError | tx_error.TCPTimedOutError):
        return "timeout", detail
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        return "dns", detail
    if isinstance(exc, DownloadCancelledError) or "max size" in detail.lower():
        return "too_large", detail
    if "certificate" in detail.lower() or "ssl" in detail.lower():
        return "tls", detail
    if isinstance(exc, DownloadConnectionRefusedError | ResponseDataLossError
                  | tx_error.ConnectError | tx_error.ConnectionLost | tx_error.ConnectionDone
                  | ConnectionError):
        return "connection", detail
    return f"error:{type(exc).__name__}", detail
