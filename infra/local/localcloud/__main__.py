"""`python -m localcloud run`: the local cloud in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import signal
import sys
import threading
from pathlib import Path

from localcloud.template import TemplateError, local_parameters


def _static_mounts(root: Path) -> list[tuple[str, Path, bool]]:
    frontend = root / "frontend"
    return [
        ("/console", frontend / "spa" / "dist", True),
        ("/app", frontend / "spa" / "dist", True),
        ("/spa", frontend / "spa" / "dist", False),  # the SPA's assets (Vite base /spa/)
        ("/widget", frontend / "widget" / "dist", False),
        ("/", frontend / "marketing" / "dist", False),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localcloud", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the local cloud from a SAM template")
    run.add_argument("--template", default="template.yaml", type=Path)
    run.add_argument("--root", default=".", type=Path, help="project root (static files, state)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", default=8080, type=int, help="the gateway: API, SPA, /_local pages")
    run.add_argument("--aws-port", default=4566, type=int, help="the AWS endpoint (0 = any free port)")
    run.add_argument("--demo-site-port", default=8090, type=int,
                     help="the demo customer's site embedding the widget, another origin (0 = any free port)")
    run.add_argument("--seed", default="localcloud.demo:load", help="module:function that loads demo data")
    run.add_argument("--no-seed", action="store_true")
    run.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    from localcloud.cloud import STOP_DEADLINE_SECONDS, CloudConfig, LocalCloud

    seed = None
    if not args.no_seed:
        module, _, function = args.seed.partition(":")
        seed = getattr(importlib.import_module(module), function)
    root = args.root.resolve()
    overrides = local_parameters(root, f"http://{args.host}:{args.port}")
    overrides.update(dict(item.split("=", 1) for item in args.parameter))
    config = CloudConfig(
        template=(root / args.template) if not args.template.is_absolute() else args.template,
        root=root, host=args.host, port=args.port, aws_port=args.aws_port, demo_site_port=args.demo_site_port,
        parameter_overrides=overrides, static_mounts=_static_mounts(root), seed=seed,
        log=lambda line: print(line, flush=True),
    )
    cloud = LocalCloud(config)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        cloud.start()
    except TemplateError as exc:
        print(f"localcloud: the template cannot run: {exc}", file=sys.stderr, flush=True)
        cloud.stop()
        return 2
    except OSError as exc:
        print(f"localcloud: cannot start: {exc}", file=sys.stderr, flush=True)
        cloud.stop()
        return 1
    except BaseException:
        cloud.stop()
        raise
    stop.wait()
    print("localcloud: stopping…", flush=True)
    cloud.stop()
    print("localcloud: stopped", flush=True)
    # The interpreter's exit then joins leftover threads: bound that too, and print what held it.
    faulthandler.dump_traceback_later(STOP_DEADLINE_SECONDS, exit=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
