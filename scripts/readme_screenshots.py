"""Seed a running demo service with work orders and take the README's screenshot of each page.

    make serve                                   # in another terminal (service, Rasa, actions)
    .venv/bin/python scripts/readme_screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

It uses only the public API with the sample district's demo tokens, so never point it at production.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TOKENS = {"operator": "demo-operator", "trainer": "demo-trainer", "zjj": "demo-dept-zjj", "cgj": "demo-dept-cgj",
          "street_hexi": "demo-dept-hexi"}
DEPARTMENT_TOKENS = {"zjj", "cgj", "street_hexi"}


def call(base: str, who: str, method: str, path: str, **kwargs) -> dict:
    response = requests.request(method, base + path, headers={"Authorization": f"Bearer {TOKENS[who]}"},
                                timeout=30, **kwargs)
    response.raise_for_status()
    return response.json()


def seed(base: str, rows: list[dict[str, str]]) -> None:
    """Orders in every state: waiting, dispatched, overridden, returned, answered and rated."""
    for index, row in enumerate(rows):
        ticket = call(base, "operator", "POST", "/api/tickets", json={
            "text": row["留言详情"], "title": row["留言主题"], "channel": "电话",
            "external_no": f"DEMO-{row['留言编号']}"})
        if ticket["status"] != "受理" or index % 4 == 3:
            continue  # already seeded, or left waiting in the queue
        department = ticket["suggestions"][0]["department"] if ticket["suggestions"] else None
        if department not in DEPARTMENT_TOKENS:
            continue  # only the demo departments that have a login take part in the loop
        call(base, "operator", "POST", f"/api/tickets/{ticket['id']}/dispatch", json={"department": department})
        if index % 5 == 4:
            call(base, department, "POST", f"/api/tickets/{ticket['id']}/return",
                 json={"reason": "不属于本部门职责", "suggested_department": "street_hexi"})
            continue
        call(base, department, "POST", f"/api/tickets/{ticket['id']}/accept")
        if index % 3 == 0:
            continue
        call(base, department, "POST", f"/api/tickets/{ticket['id']}/reply", json={"reply": "已现场核查并处理。"})
        requests.post(f"{base}/api/tickets/{ticket['id']}/rating", timeout=30,
                      json={"feedback_code": ticket["feedback_code"], "rating": "满意" if index % 2 else "基本满意"})


def screenshots(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
        for who, path in (("operator", "/console"), ("trainer", "/trainer"), ("operator", "/dashboard")):
            page.goto(f"{base}/login?next={path}")
            page.get_by_label("登录口令").fill(TOKENS[who])
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{path[1:]}.png"), full_page=path == "/dashboard")
        page.goto(f"{base}/chat")
        for text in ("小孩上户口带什么", "帮我预审一下材料", "户口迁移", "身份证户口本有，房产证还没下来"):
            page.get_by_label("输入您的问题").fill(text)
            page.get_by_label("输入您的问题").press("Enter")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
        page.screenshot(path=str(out / "chat.png"))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--orders", type=Path, default=ROOT / "sample_data" / "messages_test.csv")
    args = parser.parse_args()
    try:
        with args.orders.open(encoding="utf-8-sig") as handle:
            seed(args.base, list(csv.DictReader(handle))[:24])
        screenshots(args.base, args.out)
    except requests.RequestException as error:
        print(f"服务无法访问 / service not reachable at {args.base}: {error} (run `make serve` first)", file=sys.stderr)
        return 2
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
