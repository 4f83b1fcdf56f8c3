"""The operator console, trainer console and dashboard in a real browser (headless Chromium),
against the main service started as a process on a free port with its own SQLite database."""

from __future__ import annotations

import re
import shutil

import pytest
import requests
from playwright.sync_api import expect

from tests.helpers import SAMPLE, TOKENS, call, screenshot, sign_in, start_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(model_registry, type_registry, tmp_path_factory):
    yield from start_site(tmp_path_factory.mktemp("site"), model_registry, type_registry)


@pytest.fixture(scope="module")
def learned_site(model_registry, type_registry, department_registry, tmp_path_factory):
    """The service with the learned dispatch source (ROUTER_DISPATCH_SOURCE=learned)."""
    work = tmp_path_factory.mktemp("learned-site")
    shutil.copytree(department_registry.root, work / "departments")
    yield from start_site(work, model_registry, type_registry, ROUTER_DISPATCH_SOURCE="learned")


def new_ticket(site: str, text: str) -> dict:
    return call(site, "operator", "POST", "/api/tickets", json={"text": text, "channel": "电话"})


def row(page, ticket_id: int):
    return page.locator(f"tr[data-ticket='{ticket_id}']")


def test_an_operator_confirms_one_suggestion_and_overrides_another(page, site):
    confirmed = new_ticket(site, "河西街道翠竹园6栋楼顶有人违章搭建彩钢房，请城管处理")
    overridden = new_ticket(site, "幸福小区物业乱收停车费，每月三百元，业主多次反映无果")
    sign_in(page, site, "operator", "/console")
    expect(row(page, confirmed["id"])).to_contain_text("置信度")
    screenshot(page, "console")

    first = confirmed["suggestions"][0]
    row(page, confirmed["id"]).get_by_role("button", name=f"确认派至 {first['name']}").click()
    expect(page.locator("#notice")).to_contain_text(f"工单 #{confirmed['id']} 已派至 {first['name']}")

    suggested = {s["department"] for s in overridden["suggestions"]}
    other = next(d for d in call(site, "operator", "GET", "/api/departments") if d["code"] not in suggested)
    target = row(page, overridden["id"])
    target.get_by_label(f"工单 #{overridden['id']} 改派部门").select_option(other["code"])
    target.get_by_role("button", name="改派").click()
    expect(page.locator("#notice")).to_contain_text(f"已派至 {other['name']}")

    assert call(site, "operator", "GET", f"/api/tickets/{confirmed['id']}")["department"] == first["department"]
    after = call(site, "operator", "GET", f"/api/tickets/{overridden['id']}")
    assert (after["department"], after["status"]) == (other["code"], "转办")


def test_the_console_shows_the_learned_units_with_their_evidence(page, learned_site):
    ticket = new_ticket(learned_site, "青山区一所小学违规收取课后服务费，家长意见很大")
    first = ticket["suggestions"][0]
    assert first["department"] == "青山区|教育"
    sign_in(page, learned_site, "operator", "/console")
    suggestion = row(page, ticket["id"]).locator(".suggestion").first
    expect(suggestion).to_contain_text("青山区 教育")
    expect(suggestion).to_contain_text("单位类型 教育")
    expect(suggestion).to_contain_text(f"关键词 {first['evidence']['terms'][0]}")
    screenshot(page, "console-learned")
    suggestion.get_by_role("button", name="确认派至 青山区 教育").click()
    expect(page.locator("#notice")).to_contain_text(f"工单 #{ticket['id']} 已派至 青山区 教育")


def test_the_console_shows_level_2_and_3_candidates_next_to_the_category(page, site):
    ticket = new_ticket(site, "幸福小区物业乱收停车费，每月三百元，业主多次反映无果")
    top = ticket["subcategories"][0]
    sign_in(page, site, "operator", "/console")
    candidates = row(page, ticket["id"]).get_by_label(f"工单 #{ticket['id']} 二三级分类候选")
    expect(candidates).to_contain_text(f"{top['level2']} / {top['level3']}")
    expect(candidates).to_contain_text(top["evidence"][0])


def test_a_question_order_shows_the_guides_answer_to_settle_it_on_the_call(page, site):
    asked = call(site, "operator", "POST", "/api/tickets", json={
        "text": "来电咨询：孩子刚出生，想给他上户口，需要准备哪些材料，到哪里办？", "channel": "电话",
        "ticket_type": "咨询"})
    sign_in(page, site, "operator", "/console")
    answer = row(page, asked["id"]).get_by_label("办事指南答复")
    expect(answer).to_contain_text("办事指南答复：出生登记")
    expect(answer).to_contain_text("出生医学证明")
    expect(answer).to_contain_text("办理地点：青山公安分局户政服务大厅")
    screenshot(page, "console-consult")


def test_a_complaint_containing_markup_is_shown_as_text_and_never_run(page, site):
    hostile = '楼下噪音扰民<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    ticket = new_ticket(site, hostile)
    sign_in(page, site, "operator", "/console")
    cell = row(page, ticket["id"]).locator("td.text")
    expect(cell).to_have_text(re.compile(re.escape("<script>window.__xss = 1</script>")))
    assert page.evaluate("window.__xss") is None
    assert row(page, ticket["id"]).locator("script, img").count() == 0


def test_the_returned_queue_lists_orders_a_department_sent_back(page, site):
    ticket = new_ticket(site, "青山路夜间施工噪音扰民，凌晨两点还在打桩")
    call(site, "operator", "POST", f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"})
    call(site, "zjj", "POST", f"/api/tickets/{ticket['id']}/return",
         json={"reason": "夜间施工噪音归环保", "suggested_department": "sthjj"})
    sign_in(page, site, "operator", "/console")
    page.get_by_role("tab", name="退单").click()
    expect(row(page, ticket["id"])).to_contain_text("退单 1 次")


def test_a_trainer_approves_a_label_by_keyboard_and_sees_it_in_the_retraining_data(page, site):
    ticket = new_ticket(site, "学校门口小摊贩卖三无食品，学生吃了拉肚子")
    call(site, "operator", "POST", f"/api/tickets/{ticket['id']}/dispatch", json={"department": "scjgj"})
    candidate = next(i for i in call(site, "trainer", "GET", "/api/feedback/queue")
                     if i["candidate"]["ticket_id"] == ticket["id"])
    sign_in(page, site, "trainer", "/trainer")
    item = page.locator(f"li[data-candidate='{candidate['candidate']['id']}']")
    expect(item).to_be_visible()
    screenshot(page, "trainer")
    item.click()
    page.locator("#queue").press("a")
    expect(page.locator("#notice")).to_contain_text(f"候选标签 {candidate['candidate']['id']} 已批准")
    expect(page.locator("#train-data")).to_contain_text("学校门口小摊贩卖三无食品")
    assert ticket["text"] in requests.get(f"{site}/api/feedback/export.csv", timeout=10,
                                          headers={"Authorization": f"Bearer {TOKENS['trainer']}"}).text


def test_a_trainer_retrains_watches_progress_and_sees_the_comparison_with_pictures(page, site):
    sign_in(page, site, "trainer", "/trainer")
    page.get_by_role("button", name="开始再训练").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", re.compile("succeeded|refused"),
                                                          timeout=120_000)
    expect(page.locator("#report-table")).to_contain_text("macro-F1")
    figures = page.locator("#figures img")
    expect(figures.first).to_be_visible()
    assert figures.first.evaluate("img => img.naturalWidth") > 100
    screenshot(page, "trainer-report")


def test_a_department_user_is_refused_the_trainer_console(page, site):
    sign_in(page, site, "hexi", "/trainer")
    expect(page.locator("#error")).to_contain_text("无权使用此页面")
    expect(page.locator("#queue")).to_be_hidden()


def test_the_dashboard_charts_the_metrics_by_department(page, site):
    ticket = new_ticket(site, "幸福路路灯坏了一个月，晚上走路很危险")
    call(site, "operator", "POST", f"/api/tickets/{ticket['id']}/dispatch", json={"department": "cgj"})
    sign_in(page, site, "operator", "/dashboard")
    expect(page.locator(".card[data-metric='办结率']")).to_be_visible()
    assert page.get_by_label("开始日期").input_value().endswith("-01-01")  # this year, in the user's time zone
    chart = page.get_by_role("img", name="响应率（按部门）")
    expect(chart).to_contain_text("青山区城市管理和综合执法局")
    screenshot(page, "dashboard")


def test_large_text_mode_enlarges_the_page_and_is_reached_by_keyboard(page, site):
    page.goto(f"{site}/login")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="大字模式").focus()
    page.keyboard.press("Enter")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= before * 1.3
    expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")


def test_login_never_sends_the_user_to_another_site(page, site):
    for next_path in ("/%5C127.0.0.1:8199/x", "//127.0.0.1:8199/x", "https://example.org/x", "javascript:alert(1)"):
        page.goto(f"{site}/login?next={next_path}")
        page.get_by_label("登录口令").fill(TOKENS["operator"])
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{site}/console")


def test_every_page_is_sent_with_the_security_headers(site):
    for path in ("/chat", "/console", "/trainer", "/dashboard", "/analysis", "/login"):
        headers = requests.get(f"{site}{path}", timeout=30).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_a_wrong_token_shows_a_clear_message(page, site):
    page.goto(f"{site}/login")
    page.get_by_label("登录口令").fill("not-a-token")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#error")).to_contain_text("口令无效")


def test_an_operator_sees_a_handed_over_conversation_and_takes_it(page, site):
    transcript = [{"speaker": "user", "text": "办护照要带啥"}, {"speaker": "bot", "text": "【普通护照签发】…"},
                  {"speaker": "user", "text": "转人工"}]
    handoff = call(site, "bot", "POST", "/api/handoffs",
                   json={"sender_id": "web-page-test", "reason": "requested", "transcript": transcript})
    sign_in(page, site, "operator", "/console")
    page.get_by_role("tab", name="转人工").click()
    entry = page.locator(f"tr[data-handoff='{handoff['id']}']")
    expect(entry).to_contain_text("市民：办护照要带啥")
    entry.get_by_role("button", name="接入").click()
    expect(page.locator("#notice")).to_contain_text(f"已接入会话 #{handoff['id']}")
    taken = next(h for h in call(site, "operator", "GET", "/api/handoffs") if h["id"] == handoff["id"])
    assert taken["taken_by"] == "话务员小王"


# ---- the leaders' analysis, reply quality on the dashboard, held replies in the console ----------


@pytest.fixture(scope="module")
def sample_orders(site):
    """The hand-written sample messages filed as work orders (all today: the service runs on the real clock)."""
    from analytics.dataset import load_messages

    orders = [call(site, "operator", "POST", "/api/tickets",
                   json={"title": m.title, "text": m.body, "contact": m.user, "channel": "网页",
                         "external_no": f"page-{m.id}"})
              for m in sorted(load_messages(SAMPLE / "hot_messages.csv"), key=lambda m: m.time)]
    call(site, "leader", "POST", "/api/analysis/rebuild")
    return orders


def test_a_leader_reads_the_analysis_with_charts_and_downloads_the_pdf(page, site, sample_orders):
    today = sample_orders[0]["received_at"][:10]
    sign_in(page, site, "leader", "/analysis")
    page.get_by_label("开始日期").fill(today)
    page.get_by_label("结束日期（含）").fill(today)
    page.get_by_role("button", name="生成报告").click()
    hot = page.locator("#hot")
    expect(hot).to_contain_text("翠竹园")  # 翠竹园小区, or 翠竹园 once other tests' orders name it alone
    expect(page.get_by_role("img", name="每日工单量")).to_be_visible()
    expect(page.get_by_role("img", name="按渠道")).to_contain_text("网页")
    expect(page.locator("#warnings")).to_contain_text("翠竹园")
    expect(page.locator("#bot")).to_contain_text("好评率")  # the bot's 好差评 from the database
    expect(page.locator("#live")).to_contain_text("翠竹园")
    screenshot(page, "analysis")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 PDF 月报").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"


def test_an_operator_is_refused_the_analysis(page, site):
    sign_in(page, site, "operator", "/analysis")
    expect(page.locator("#error")).to_contain_text("无权使用此页面")
    expect(page.locator("#hot")).to_be_hidden()


def test_the_dashboard_shows_reply_quality_by_department_and_the_console_releases_a_held_reply(page, site):
    poor, good = new_ticket(site, "湖滨路菜市场门口早上摊贩占道"), new_ticket(site, "建设路井盖丢了很危险")
    for ticket, reply in ((poor, "您好，您反映的问题已转相关部门处理。"),
                          (good, "经现场核查，建设路井盖确已缺失，市政维护人员已于当日更换新井盖。")):
        call(site, "operator", "POST", f"/api/tickets/{ticket['id']}/dispatch", json={"department": "cgj"})
        call(site, "cgj", "POST", f"/api/tickets/{ticket['id']}/accept")
        call(site, "cgj", "POST", f"/api/tickets/{ticket['id']}/reply", json={"reply": reply})
    sign_in(page, site, "operator", "/dashboard")
    quality = page.locator("#reply-quality tr[data-department='cgj']")
    expect(quality).to_contain_text("50.0%")  # one of the two replies is poor
    screenshot(page, "dashboard-reply-quality")
    page.goto(f"{site}/console")
    page.get_by_role("tab", name="答复待审核").click()
    held = row(page, poor["id"])
    expect(held).to_contain_text("仅转办")
    held.get_by_role("button", name=f"放行工单 #{poor['id']} 的答复").click()
    expect(page.locator("#notice")).to_contain_text(f"工单 #{poor['id']} 的答复已放行给市民")
    assert call(site, "operator", "GET", f"/api/tickets/{poor['id']}")["status"] == "反馈"
