def test_home_page_loads_local_assets_in_chromium(page, live_server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/")
    assert "易智" in page.title()
    assert page.locator("h1").first.inner_text().startswith("易智")
    assert failed == []
