"""Pages under a strict Content-Security-Policy: headers, no inline script in any template, safe CSV exports."""

from __future__ import annotations

import csv
import io
import re

from learning.feedback import spreadsheet_safe
from tests.helpers import ROOT, auth

TEMPLATES = sorted((ROOT / "web" / "templates").glob("*.html"))


def test_pages_send_a_csp_without_inline_script_and_the_other_security_headers(client):
    for path in ("/chat", "/console", "/login"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_the_chat_page_may_connect_to_the_bot_and_nowhere_else(client, app_settings):
    policy = client.get("/chat").headers["Content-Security-Policy"]
    assert re.search(r"connect-src 'self' http://127\.0\.0\.1:5005;", policy), policy


def test_no_template_has_an_inline_script_handler_or_style():
    for template in TEMPLATES:
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"\son[a-z]+\s*=", html), template.name
        assert not re.search(r"\sstyle\s*=|<style", html), template.name
        assert "javascript:" not in html, template.name


def test_the_demo_tokens_hint_shows_only_in_a_local_demo(client):
    assert "demo-operator" in client.get("/login").text
    client.app.state.environment = "production"
    assert "demo-operator" not in client.get("/login").text


def test_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text():
    for text in ("=HYPERLINK(\"http://x\")", "+86 小区停电", "-1 元", "@SUM(A1)"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("小区停电三天") == "小区停电三天"


def test_the_feedback_export_neutralises_formula_cells(client):
    text = "=HYPERLINK(\"http://example.org\",\"点此\") 路灯坏了"
    client.post("/api/feedback", json={"text": text, "label": "城乡建设"}, headers=auth("trainer"))
    rows = list(csv.DictReader(io.StringIO(client.get("/api/feedback/export.csv", headers=auth("trainer")).text)))
    assert [row["留言详情"][:12] for row in rows] == ["'=HYPERLINK("]
