"""The built marketing site (`make marketing-test` builds it first): every link resolves, the sitemap lists
every page, each page has its SEO tags, and the prices are the catalog's."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tessera.billing.plans import default_plans

MARKETING = Path(__file__).resolve().parents[1]
DIST = MARKETING / "dist"
ROOT = MARKETING.parents[1]
sys.path.insert(0, str(MARKETING))

import build_site  # noqa: E402

SITE = build_site.tomllib.loads((MARKETING / "site.toml").read_text(encoding="utf-8"))
BASE = SITE["base_url"].rstrip("/")
# Served by the SPA's mounts (/app, /console), not by this site.
APP_PREFIXES = ("/app/", "/console/")


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.canonical: str | None = None
        self.title = ""
        self.lang: str | None = None
        self.h1 = 0
        self.images: list[dict[str, str | None]] = []
        self.json_ld: list[object] = []
        self.prices: dict[str, str] = {}
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[(a.get("name") or a.get("property")) or ""] = a.get("content") or ""
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.links.append(a["src"] or "")
        elif tag == "img":
            self.images.append(a)
            self.links.append(a.get("src") or "")
        elif tag == "h1":
            self.h1 += 1
        if tag == "p" and a.get("data-plan"):
            self.prices[a["data-plan"] or ""] = a.get("data-price") or ""
        if tag in ("title", "script") and (tag == "title" or a.get("type") == "application/ld+json"):
            self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None


def html_files() -> list[Path]:
    if not (DIST / "index.html").is_file():
        pytest.fail("frontend/marketing/dist is not built: run `make marketing` (make marketing-test does)")
    return sorted(DIST.rglob("*.html"))


def url_path(file: Path) -> str:
    relative = file.relative_to(DIST).as_posix()
    return "/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)


def parsed(path: str) -> Page:
    file = DIST / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))
    return Page(file.read_text(encoding="utf-8"))


def resolve(path: str) -> Path | None:
    target = DIST / path.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


@pytest.mark.parametrize("file", html_files(), ids=lambda f: url_path(f))
def test_every_link_on_the_page_resolves(file: Path) -> None:
    page = Page(file.read_text(encoding="utf-8"))
    broken = []
    for link in page.links:
        url = urlparse(link)
        if url.scheme in ("http", "https", "mailto") and not link.startswith(BASE):
            continue  # another site; the canonical and OpenGraph URLs are ours and checked below
        path = url.path.removeprefix(BASE) if link.startswith(BASE) else url.path
        if path.startswith(APP_PREFIXES) or path in ("/app/signup", "/app/login"):
            continue
        target = resolve(path) if path else file
        if target is None or (url.fragment and url.fragment not in Page(target.read_text(encoding="utf-8")).ids):
            broken.append(link)
    assert not broken, f"{url_path(file)}: links that resolve to nothing in dist/: {broken}"


@pytest.mark.parametrize("file", html_files(), ids=lambda f: url_path(f))
def test_each_page_has_title_description_opengraph_and_canonical(file: Path) -> None:
    path = url_path(file)
    page = Page(file.read_text(encoding="utf-8"))
    assert page.lang == "ru"
    assert 10 <= len(page.title) <= 70, f"{path}: title {page.title!r}"
    assert 50 <= len(page.meta.get("description", "")) <= 200, f"{path}: description"
    assert page.meta["og:title"] == page.title
    assert page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:url"] == BASE + path
    assert page.meta["og:image"] == f"{BASE}/og.png" and (DIST / "og.png").is_file()
    assert page.meta["og:locale"] == "ru_RU"
    assert page.h1 == 1, f"{path}: one h1 per page"
    assert all(img.get("width") and img.get("height") for img in page.images), f"{path}: an image without a size"
    if path == "/404.html":
        assert page.canonical is None and page.meta["robots"] == "noindex"
    else:
        assert page.canonical == BASE + path


def test_the_sitemap_lists_every_page_but_404() -> None:
    tree = ET.parse(DIST / "sitemap.xml")  # noqa: S314 - the file this build wrote, not untrusted input
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = sorted(loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", ns))
    pages = sorted(BASE + url_path(f) for f in html_files() if f.name != "404.html")
    assert listed == pages
    assert f"Sitemap: {BASE}/sitemap.xml" in (DIST / "robots.txt").read_text()
    assert "/blog/forma-zayavki-na-sajte/" in " ".join(listed)


def test_pricing_shows_the_catalog_prices_in_rubles_with_the_vat_note() -> None:
    catalog = {p.code: p for p in default_plans() if p.active}
    page = parsed("/pricing/")
    assert page.prices == {code: str(int(p.price) // 100) for code, p in catalog.items()}
    text = (DIST / "pricing/index.html").read_text(encoding="utf-8")
    for plan in catalog.values():
        rubles = f"{int(plan.price) // 100:,}".replace(",", "\u00a0")
        assert f"{rubles}\u00a0₽" in text, f"{plan.name_ru}: {rubles} ₽ is not on the page"
        assert plan.name_ru in text
    vat = {p.vat_rate for p in catalog.values()}.pop()
    assert f"включают НДС {vat}&nbsp;%" in text
    assert f"{catalog['fastlead_start'].trial_days} дней бесплатно" in text


@pytest.mark.parametrize("path", ["/", "/pricing/"])
def test_structured_data_names_the_organization_and_offers_at_the_catalog_prices(path: str) -> None:
    (graph,) = parsed(path).json_ld
    assert isinstance(graph, dict)
    kinds = {node["@type"]: node for node in graph["@graph"]}
    assert kinds["Organization"]["name"] == SITE["organization"]
    offers = {o["name"]: o for o in kinds["Product"]["offers"]}
    for plan in default_plans():
        assert offers[plan.name_ru]["price"] == f"{int(plan.price) // 100}.00"
        assert offers[plan.name_ru]["priceCurrency"] == "RUB"


def test_try_for_free_leads_to_the_spas_sign_up() -> None:
    routes = (ROOT / "frontend/spa/src/routes.tsx").read_text()
    assert SITE["signup_path"] == "/app/signup" and "path: 'signup'" in routes
    for file in html_files():
        text = file.read_text(encoding="utf-8")
        for match in re.finditer(r'<a class="btn[^"]*" href="([^"]+)">Попробовать бесплатно</a>', text):
            assert match.group(1) == SITE["signup_path"]
    assert "Попробовать бесплатно" in (DIST / "index.html").read_text(encoding="utf-8")


def test_the_features_demo_runs_the_built_widget_with_the_demo_workspace_config() -> None:
    assert (DIST / "widget/widget.js").read_bytes() == (ROOT / "frontend/widget/dist/widget.js").read_bytes()
    page = parsed("/features/")
    assert "/assets/demo.js" in page.links and "demo" in page.ids
    config = json.loads((DIST / "demo/widgets/fastlead-site-demo/config.json").read_text(encoding="utf-8"))
    assert config["widget_id"] == "fastlead-site-demo" and config["consent"]["required"] is True
    assert config["demo"] is True  # the widget thanks without sending: no workspace behind the demo
    assert "fastlead-site-demo" in (DIST / "features/index.html").read_text(encoding="utf-8")


def test_blog_posts_render_markdown() -> None:
    text = (DIST / "blog/soglasie-152-fz-v-forme-zayavki/index.html").read_text(encoding="utf-8")
    assert "<h2>Что изменилось</h2>" in text and "<ol>" in text and "<strong>1 сентября 2025 года</strong>" in text
    assert "+++" not in text


def test_a_catalog_plan_without_marketing_copy_stops_the_build(tmp_path: Path) -> None:
    copy = tmp_path / "plans.toml"
    copy.write_text('[fastlead_start]\ntagline = "x"\nfeatures = []\n', encoding="utf-8")
    with pytest.raises(build_site.SiteError, match=r"plans.toml: no \[fastlead_pro\] section .*«Про»"):
        build_site.load_plans(copy)


def test_a_post_without_a_title_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "draft.md").write_text('+++\ndescription = "d"\ndate = 2026-11-01\n+++\nText\n', encoding="utf-8")
    with pytest.raises(build_site.SiteError, match=r"draft\.md: front matter has no title"):
        build_site.load_posts(tmp_path)


def test_a_base_url_that_is_not_an_address_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(build_site.SiteError, match=r"base_url 'fastlead\.ru' is not an absolute"):
        build_site.build(tmp_path / "out", base_url="fastlead.ru")
    assert not (tmp_path / "out").exists()
