def test_home_renders_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "科技成果转化交易平台" in response.get_data(as_text=True)


def test_healthz_reports_db_and_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["db"] == "ok"
