#!/usr/bin/env python3
"""API fuzzing: schemathesis (PyPI, 4.x) against the OpenAPI document of a fresh demo.

Starts `tovholder demo` on a free port with a fresh data folder, logs in as a coordinator
(every /api/v1 operation but administration) and as the instance's administrator
(/api/v1/admin), and runs schemathesis over each operation with the session cookie and the
CSRF header: a server error or an answer that breaks the document fails the run.

Usage: TOVHOLDER_BIN=target/debug/tovholder tests/api-fuzz/run.py [--max-examples N]
With TOVHOLDER_TEST_LOGS set, the server logs at debug level into that folder (scripts/check-logs
searches it); with FUZZ_DATABASE, the demo runs on that PostgreSQL database instead of SQLite.
"""

import argparse
import html.parser
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "demo1234"


class CsrfField(html.parser.HTMLParser):
    """The value of the login form's hidden csrf field."""

    def __init__(self):
        super().__init__()
        self.value = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf":
            self.value = a.get("value")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base, server, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"api-fuzz: the server exited ({server.returncode}) before it was ready")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("api-fuzz: the server did not get ready")


class Session:
    """A logged-in demo user: the session cookie and the CSRF token of the API."""

    def __init__(self, base, username):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = opener.open(f"{base}/login").read().decode()
        field = CsrfField()
        field.feed(page)
        form = urllib.parse.urlencode({"csrf": field.value, "username": username, "password": PASSWORD}).encode()
        try:
            opener.open(f"{base}/login", data=form)
        except urllib.error.HTTPError as e:
            if e.code != 303 or e.headers.get("location") != "/":
                sys.exit(f"api-fuzz: login as {username}: {e.code} to {e.headers.get('location')}")
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        self.me = json.loads(opener.open(f"{base}/api/v1/me").read())
        self.opener = opener
        self.base = base

    def get(self, path):
        return json.loads(self.opener.open(f"{self.base}{path}").read())


def schemathesis(base, session, params, include, exclude, max_examples, report):
    """One run of schemathesis over the operations matching `include` and not `exclude`."""
    config = os.path.join(report, "schemathesis.toml")
    with open(config, "w") as f:
        # Known ids, so that operations get past "not found" to their bodies; every other
        # parameter and every body is generated from the document.
        f.write("[parameters]\n")
        for key, value in params.items():
            f.write(f'"path.{key}" = {value}\n')
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run", f"{base}/api/openapi.json",
        "--url", base,
        "-H", f"Cookie: {session.cookie}",
        "-H", f"X-CSRF-Token: {session.me['csrf']}",
        "--max-examples", str(max_examples),
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--include-path-regex", include,
        "--workers", "1",
        "--seed", "7401",
        "--no-color",
        "--report", "junit", "--report-dir", report,
    ]
    if exclude:
        cmd += ["--exclude-path-regex", exclude]
    print("api-fuzz:", " ".join(c if not c.startswith(("Cookie", "X-CSRF")) else c.split(":")[0] + ": …" for c in cmd), flush=True)
    # In the report folder: schemathesis keeps a cache of its own in its working folder.
    return subprocess.run(cmd, cwd=report).returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=20)
    args = parser.parse_args()
    binary = os.environ.get("TOVHOLDER_BIN") or os.path.expanduser("~/.cache/tovholder-target/debug/tovholder")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="tovholder-api-fuzz-")
    store = ["--database", os.environ["FUZZ_DATABASE"]] if os.environ.get("FUZZ_DATABASE") else []
    logs = os.environ.get("TOVHOLDER_TEST_LOGS")
    env = dict(os.environ)
    if logs:
        env["TOVHOLDER_LOG"] = "debug,hyper=info,hyper_util=info,h2=info,rustls=info"
        log = open(os.path.join(logs, f"api-fuzz-{'postgres' if store else 'sqlite'}-{os.getpid()}.log"), "w")
    else:
        log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([binary, "demo", "--listen", f"127.0.0.1:{port}", "--data", data, *store], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_ready(base, server)
        report = tempfile.mkdtemp(prefix="tovholder-api-fuzz-report-")
        failed = 0
        # Furesø's family coordinator on her course: meetings, the network, agreements, the
        # plan, documents and consents, and every route that is not a course's or administration.
        hanne = Session(base, "hanne")
        course = hanne.get(f"/api/v1/courses/{hanne.get('/api/v1/courses')['rows'][0]['course']}")
        ids = {"id": course["id"], "meeting": course["meetings"][0]["id"], "doc": course["documents"][0]["doc"], "consent": course["consents"][0]["id"], "agreement": course["agreements"][0]["id"], "change": 1, "task": json.dumps(course["tasks"][0]["id"])}
        failed |= schemathesis(base, hanne, ids, "^/api/v1/", "^/api/v1/admin/", args.max_examples, report)
        # The Julemærkehjem model's coordinator on a stay: dates, decisions, fields, tasks, changes.
        tove = Session(base, "tove")
        course = tove.get(f"/api/v1/courses/{tove.get('/api/v1/courses')['rows'][0]['course']}")
        ids = {"id": course["id"], "change": 1, "task": json.dumps(course["tasks"][0]["id"])}
        failed |= schemathesis(base, tove, ids, r"^/api/v1/courses/\{id\}/(dates|appointments|decisions|fields|tasks|changes)", None, args.max_examples, report)
        # The instance's administrator: organisations, departments and logins.
        admin = Session(base, "admin")
        org = admin.me["org"]
        user = next(u["id"] for u in admin.get(f"/api/v1/admin/organisations/{org}/users") if u["id"] != admin.me["person"])
        failed |= schemathesis(base, admin, {"org": org, "user": user}, "^/api/v1/admin/", None, args.max_examples, report)
        if server.poll() is not None:
            sys.exit(f"api-fuzz: the server died during the run ({server.returncode})")
        sys.exit(1 if failed else 0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        # The demo's data, its key file among it.
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
