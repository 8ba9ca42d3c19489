"""The Fast Lead marketing site: Jinja2 templates and Markdown posts → static HTML in dist/.

`python frontend/marketing/build_site.py` (or `make marketing`). Prices, trial and limits come from the plan
catalog (tessera.billing.plans), never from the templates; the live demo on /features/ runs the built
widget (frontend/widget/dist/widget.js, copied in) with the demo workspace config in demo/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt

from tessera.billing.plans import default_plans
from tessera.core.money import NBSP, Money

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WIDGET_JS = ROOT / "frontend" / "widget" / "dist" / "widget.js"
OG_SIZE = (1200, 630)


class SiteError(Exception):
    """Content the build refuses: the message names the file and the field."""


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    price_rubles: int  # whole rubles a month, VAT included (the catalog holds kopecks)
    price_label: str  # «4 990 ₽»
    period_months: int
    trial_days: int
    vat_rate: int | None
    limits: dict[str, int | None]
    tagline: str
    features: list[str]
    featured: bool


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    seo_title: str  # the <title>: search results show about 60 characters
    description: str
    published: date
    html: str


@dataclass(frozen=True)
class Page:
    path: str  # URL path: "/", "/pricing/"
    template: str
    title: str
    description: str
    changefreq: str = "monthly"
    lastmod: date | None = None  # for the sitemap: a post's date; other pages change with the build

    @property
    def output(self) -> str:
        """The file under dist/ that serves the path (CloudFront maps a trailing slash to index.html)."""
        if self.path.endswith(".html"):
            return self.path.lstrip("/")
        return (self.path.strip("/") + "/index.html").lstrip("/")


def _rubles(kopecks: int) -> str:
    whole, part = divmod(kopecks, 100)
    if part:  # a price with kopecks keeps them
        return Money(kopecks).format_ru()
    return f"{whole:,}".replace(",", NBSP) + f"{NBSP}₽"


def load_plans(copy_file: Path) -> list[Plan]:
    """The catalog's active plans, cheapest first, with the site's marketing copy for each."""
    copy = tomllib.loads(copy_file.read_text(encoding="utf-8"))
    plans = []
    for record in sorted((p for p in default_plans() if p.active), key=lambda p: p.price):
        text = copy.get(record.code)
        if text is None:
            raise SiteError(f"{copy_file.name}: no [{record.code}] section for the catalog plan «{record.name_ru}»")
        if record.currency != "RUB":
            raise SiteError(f"catalog plan {record.code}: currency {record.currency}, the site sells in RUB")
        plans.append(Plan(
            code=record.code, name=record.name_ru, price_rubles=int(record.price) // 100,
            price_label=_rubles(int(record.price)), period_months=int(record.period_months),
            trial_days=int(record.trial_days), vat_rate=None if record.vat_rate is None else int(record.vat_rate),
            limits=dict(record.limits), tagline=text["tagline"], features=list(text["features"]),
            featured=bool(text.get("featured", False))))
    if not plans:
        raise SiteError("the catalog has no active plan")
    return plans


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """A post starts with TOML between `+++` lines (title, description, date; seo_title if the title is long),
    then Markdown."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++\n"):
        raise SiteError(f"{path.name}: a post starts with +++ front matter (title, description, date)")
    head, _, body = text[4:].partition("\n+++\n")
    try:
        meta = tomllib.loads(head)
    except tomllib.TOMLDecodeError as exc:
        raise SiteError(f"{path.name}: front matter: {exc}") from exc
    for key in ("title", "description", "date"):
        if key not in meta:
            raise SiteError(f"{path.name}: front matter has no {key}")
    if not isinstance(meta["date"], date):
        raise SiteError(f"{path.name}: date is not a TOML date (2026-11-20)")
    return meta, body


def load_posts(folder: Path) -> list[Post]:
    markdown = MarkdownIt("commonmark", {"typographer": True}).enable(["table", "replacements", "smartquotes"])
    markdown.options["quotes"] = "«»„“"
    posts = []
    for path in sorted(folder.glob("*.md")):
        meta, body = _front_matter(path)
        posts.append(Post(slug=path.stem, title=meta["title"], seo_title=meta.get("seo_title", meta["title"]),
                          description=meta["description"],
                          published=meta["date"], html=markdown.render(body)))
    return sorted(posts, key=lambda p: p.published, reverse=True)


def json_ld(site: dict[str, Any], plans: list[Plan]) -> dict[str, Any]:
    """schema.org Organization and Product with one Offer per plan (prices from the catalog)."""
    base = site["base_url"]
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": f"{base}/#organization", "name": site["organization"],
             "url": f"{base}/", "logo": f"{base}/favicon.svg", "email": site["email"]},
            {"@type": "Product", "name": site["name"], "description": site["description"],
             "image": f"{base}/og.png", "brand":
             {"@id": f"{base}/#organization"}, "url": f"{base}/pricing/", "offers": [
                {"@type": "Offer", "name": p.name, "price": f"{p.price_rubles}.00", "priceCurrency": "RUB",
                 "url": f"{base}/pricing/", "availability": "https://schema.org/InStock",
                 "priceSpecification": {"@type": "UnitPriceSpecification", "price": f"{p.price_rubles}.00",
                                        "priceCurrency": "RUB", "valueAddedTaxIncluded": p.vat_rate is not None,
                                        "billingDuration": p.period_months, "unitCode": "MON"}}
                for p in plans]},
        ],
    }


def _og_image(out: Path, site: dict[str, Any]) -> None:
    """The OpenGraph card (1200×630 PNG): messengers and social networks do not show SVG."""
    import fontpkg_pt_sans
    from PIL import Image, ImageDraw, ImageFont

    fonts = Path(fontpkg_pt_sans.ROOT) / "files"
    image = Image.new("RGB", OG_SIZE, "#0f5f58")
    draw = ImageDraw.Draw(image)
    draw.text((80, 200), site["name"], font=ImageFont.truetype(str(fonts / "PT_Sans-Web-Bold.ttf"), 110),
              fill="#ffffff")
    draw.text((80, 350), site["og_tagline"], font=ImageFont.truetype(str(fonts / "PT_Sans-Web-Regular.ttf"), 52),
              fill="#d8f3ef")
    image.save(out / "og.png", optimize=True)


def pages(posts: list[Post]) -> list[Page]:
    return [
        Page("/", "landing.html.j2", "Fast Lead — заявки с сайта в мессенджеры и календарь",
             "Виджет заявок для сайта: клиент оставляет телефон, вы отвечаете в Telegram, WhatsApp или MAX и "
             "записываете на встречу. Согласие по 152-ФЗ, аналитика, 14 дней бесплатно.", "weekly"),
        Page("/pricing/", "pricing.html.j2", "Тарифы Fast Lead — Старт, Про и Бизнес в рублях",
             "Тарифы Fast Lead в рублях с НДС: лиды в месяц, рабочие пространства и команда. "
             "14 дней бесплатно на любом тарифе, без привязки карты."),
        Page("/features/", "features.html.j2", "Возможности Fast Lead и живое демо виджета",
             "Виджет в Shadow DOM, каналы Telegram, WhatsApp, MAX, SMS и e-mail, запись через Cal.com, "
             "согласие по 152-ФЗ и аналитика воронки. Попробуйте виджет прямо на странице."),
        Page("/use-cases/", "use_cases.html.j2", "Fast Lead для клиник, школ, услуг и недвижимости",
             "Как Fast Lead помогает бизнесу отвечать на заявки за минуты: клиники, онлайн-школы, "
             "сервисные компании и агентства недвижимости."),
        Page("/blog/", "blog.html.j2", "Блог Fast Lead — заявки, скорость ответа и 152-ФЗ",
             "Статьи о том, как собирать заявки с сайта, быстро отвечать клиентам и законно получать "
             "согласие на обработку персональных данных.", "weekly"),
        *[Page(f"/blog/{p.slug}/", "post.html.j2", p.seo_title, p.description,
               lastmod=p.published) for p in posts],
        Page("/404.html", "404.html.j2", "Страница не найдена — Fast Lead",
             "Такой страницы нет. Перейдите на главную, к тарифам или в блог Fast Lead."),
    ]


def _check_seo(page: Page) -> None:
    # Search engines cut a title at about 60–70 characters and a snippet at about 160.
    if not 10 <= len(page.title) <= 70:
        raise SiteError(f"page {page.path}: title is {len(page.title)} characters, keep 10–70 (a post: seo_title)")
    if not 50 <= len(page.description) <= 200:
        raise SiteError(f"page {page.path}: description is {len(page.description)} characters, keep 50–200")


def sitemap(site: dict[str, Any], listed: list[Page], today: date) -> str:
    urls = "".join(f"<url><loc>{escape(site['base_url'] + p.path)}</loc>"
                   f"<lastmod>{(p.lastmod or today).isoformat()}</lastmod>"
                   f"<changefreq>{p.changefreq}</changefreq></url>" for p in listed)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n")


def build(out: Path, base_url: str | None = None, today: date | None = None) -> list[Page]:
    site = tomllib.loads((HERE / "site.toml").read_text(encoding="utf-8"))
    if base_url:
        site["base_url"] = base_url
    site["base_url"] = site["base_url"].rstrip("/")
    if not site["base_url"].startswith(("https://", "http://")):
        raise SiteError(f"base_url {site['base_url']!r} is not an absolute http(s) address")
    if not WIDGET_JS.is_file():
        raise SiteError(f"{WIDGET_JS.relative_to(ROOT)} is missing: build the widget first (make widget)")
    plans = load_plans(HERE / "content" / "plans.toml")
    posts = load_posts(HERE / "content" / "blog")
    if len({p.vat_rate for p in plans}) > 1:
        raise SiteError("the catalog's plans differ in VAT rate: the site's single VAT note cannot say both")
    all_pages = pages(posts)
    for page in all_pages:
        _check_seo(page)

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["ru_date"] = _ru_date
    shared = {"site": site, "plans": plans, "posts": posts, "trial_days": min(p.trial_days for p in plans),
              "vat_rate": plans[0].vat_rate, "css": (HERE / "static" / "site.css").read_text(encoding="utf-8"),
              "signup_url": site["signup_path"], "json_ld": json.dumps(json_ld(site, plans), ensure_ascii=False)}

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for page in all_pages:
        post = next((p for p in posts if page.path == f"/blog/{p.slug}/"), None)
        html = env.get_template(page.template).render(page=page, post=post, **shared)
        target = out / page.output
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")

    listed = [p for p in all_pages if p.template != "404.html.j2"]
    (out / "sitemap.xml").write_text(sitemap(site, listed, today or date.today()), encoding="utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\nDisallow: /app/\nDisallow: /console/\n\n"
                                    f"Sitemap: {site['base_url']}/sitemap.xml\n", encoding="utf-8")
    shutil.copytree(HERE / "static" / "assets", out / "assets")
    shutil.copy(HERE / "static" / "favicon.svg", out / "favicon.svg")
    shutil.copytree(HERE / "demo", out / "demo")
    (out / "widget").mkdir()
    shutil.copy(WIDGET_JS, out / "widget" / "widget.js")
    _og_image(out, site)
    return all_pages


MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")


def _ru_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "dist")
    parser.add_argument("--base-url", help="absolute site address for canonical links, OpenGraph and the sitemap "
                                           "(default: base_url in site.toml)")
    args = parser.parse_args(argv)
    try:
        built = build(args.out, args.base_url)
    except SiteError as exc:
        print(f"marketing site: {exc}", file=sys.stderr)
        return 1
    print(f"marketing site: {len(built)} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
