import pytest

pytestmark = pytest.mark.browser


def test_structure_page_draws_its_charts_and_tables(township, signed_in_page, live_server):
    # given
    page = signed_in_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # when
    page.goto(f"{live_server.url}/analytics/structure/?as_of=2010-06-30&bands=30,40,50")

    # then
    for chart in ("chart-pyramid", "chart-education", "chart-rank"):
        page.wait_for_selector(f"#{chart} canvas")
        box = page.locator(f"#{chart} canvas").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.locator("#structure-total").inner_text() == "381"
    age_rows = page.locator('table[data-table="age_bands"] tbody tr')
    assert age_rows.all_inner_texts() == [
        "30岁以下\t13\t3.41", "31—40岁\t115\t30.18", "41—50岁\t158\t41.47", "51岁以上\t95\t24.93",
    ]
    assert errors == []


def test_structure_page_form_narrows_to_a_town_teams(township, signed_in_page, live_server):
    # given
    page = signed_in_page
    page.goto(f"{live_server.url}/analytics/structure/?as_of=2010-06-30")

    # when
    page.select_option("#id_unit", label="临江市/凤卧镇")
    page.check("#id_team_members_only")
    page.click("#structure-filters button[type=submit]")

    # then
    page.wait_for_url("**team_members_only=on**")
    assert page.locator("#structure-total").inner_text() == "25"
    assert "临江市/凤卧镇（领导班子成员）" in page.locator(".scope-line").inner_text()
    page.wait_for_selector("#chart-pyramid canvas")
