#!/usr/bin/env python3
"""API contract tests: `/openapi.json` against a real OpenAPI validator, and the live server against it.

    python3 Tests/api/test_openapi.py --binary .build/debug/ipsearch [--max-examples N] [--seed N]

Builds a temporary corpus (a copy of the repository's Corpus/), indexes it with `ipsearch index`,
starts `ipsearch serve --port 0` on 127.0.0.1, reads the URL it prints and waits for `/health` to
answer 200 (nothing sleeps for a fixed time). Then:

1. `GET /openapi.json` must be 200 JSON that `openapi_spec_validator.validate` accepts (every error
   it finds is printed).
2. schemathesis (`schemathesis run`, pinned in scripts/test) sends generated requests to every
   operation of that document (the examples, coverage and fuzzing phases, at most --max-examples
   test cases per operation and phase) with the checks not_a_server_error, status_code_conformance,
   content_type_conformance, response_headers_conformance and response_schema_conformance: no
   answer may be a 5xx, and every status, content type, header and body must be the one the
   document declares. Schemathesis leaves out the operation that serves the document itself
   (`/openapi.json`), which step 1 covers. By default the generation is deterministic
   (`--generation-deterministic`), so every run sends the same requests; `--seed N` switches to
   random generation from that seed, for hunting with more examples
   (`--max-examples 1500 --seed 11` takes about 75 s per seed).

Each failure is printed with schemathesis's own report (the check, the response, a curl command to
reproduce it) and the server's log lines of any 5xx. The last line is `N passed, N failed`; the exit
status is 1 if any test failed. The server is stopped and the temporary folder removed at the end.
"""
import argparse
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
START_TIMEOUT = 60  # seconds, upper bound for the server to print its URL and answer /health
SCHEMATHESIS_TIMEOUT = 600  # seconds, upper bound of the whole schemathesis run (it takes a few)
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


class Server:
    """A copy of Corpus/ in a temporary folder, its index, and `ipsearch serve --port 0` over it."""

    def __init__(self, binary):
        self.root = tempfile.mkdtemp(prefix="ipsearch-api-")
        self.corpus = os.path.join(self.root, "corpus")
        self.index = os.path.join(self.root, "index")
        self.log_path = os.path.join(self.root, "serve.log")
        self.process = None
        self.log = None
        try:
            self._start(binary)
        except BaseException:
            self.stop()
            raise

    def _start(self, binary):
        shutil.copytree(os.path.join(REPO, "Corpus"), self.corpus)
        self.documents = len(os.listdir(self.corpus))
        subprocess.run([binary, "index", "--corpus", self.corpus, "--index", self.index, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        # The request log goes to a file: schemathesis sends thousands of requests, and a pipe nobody
        # reads would fill up and stall the server.
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [binary, "serve", "--index", self.index, "--corpus", self.corpus, "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, encoding="utf-8")
        self.url = self._read_url()
        self._wait_healthy()

    def _read_url(self):
        """The first line the server prints: the URL it listens on."""
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            state = f"exited with {self.process.poll()}" if self.process.poll() is not None else "still running"
            raise RuntimeError(f"ipsearch serve printed {line!r} instead of its URL (within {START_TIMEOUT} s; "
                               f"{state}); its log:\n" + self.log_text())
        return line

    def _wait_healthy(self):
        """Until GET /health answers 200 with every document of the corpus (the index is readable)."""
        deadline = time.monotonic() + START_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ipsearch serve exited with {self.process.returncode}; its log:\n" + self.log_text())
            try:
                status, body, _ = get(self.url + "/health", timeout=5)
                last = (status, body)
                if status == 200:
                    health = json.loads(body)
                    if health.get("documents") != self.documents:
                        raise RuntimeError(f"/health says {health}, expected {self.documents} documents")
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                last = e
            # /health answers within milliseconds once the server listens; poll briefly until then.
            time.sleep(0.05)
        raise RuntimeError(f"/health did not answer 200 within {START_TIMEOUT} s (last: {last!r})")

    def log_text(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def server_errors(self, limit=20):
        """The log lines of 5xx answers and internal errors (the last `limit` of them)."""
        lines = [line for line in self.log_text().splitlines()
                 if "internal error" in line or any(f" {code} " in line for code in range(500, 600))]
        return lines[-limit:]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self.log is not None:
            self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def get(url, timeout=30):
    """(status, body text, headers) of GET url; 4xx and 5xx are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", errors="replace"), e.headers


def first_paragraph(text, limit=300):
    text = text.split("\n\n")[0]
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def test_openapi_document_is_valid(server, args):
    from openapi_spec_validator import OpenAPIV30SpecValidator, validate

    status, body, headers = get(server.url + "/openapi.json")
    assert status == 200, f"GET /openapi.json answered {status}: {body[:300]}"
    content_type = headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == "application/json", f"GET /openapi.json has Content-Type {content_type!r}"
    try:
        spec = json.loads(body)
    except json.JSONDecodeError as e:
        raise AssertionError(f"/openapi.json is not JSON: {e}") from None
    assert isinstance(spec, dict) and str(spec.get("openapi", "")).startswith("3.0."), \
        f"/openapi.json says openapi {spec.get('openapi') if isinstance(spec, dict) else spec!r}, expected 3.0.x"
    try:
        validate(spec)
    except Exception as e:  # noqa: BLE001 — a validation error, or a $ref that points nowhere
        def describe(error):
            if getattr(error, "ref", None) is not None:  # referencing.exceptions.Unresolvable
                return f"{type(error).__name__}: the $ref {error.ref!r} points nowhere"
            return f"{type(error).__name__}: {first_paragraph(getattr(error, 'message', str(error)))}"
        details = []
        try:
            for error in list(OpenAPIV30SpecValidator(spec).iter_errors())[:20]:
                where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                details.append(f"  at {where}: {first_paragraph(error.message)}")
        except Exception:  # noqa: BLE001 — iter_errors raises what validate raised
            pass
        raise AssertionError("openapi-spec-validator rejects /openapi.json (Sources/IPSearchServer/OpenAPI.swift): "
                             + describe(e) + "".join("\n" + d for d in details)) from None
    operations = sum(1 for item in spec["paths"].values() for method in item if method in ("get", "put", "post", "delete", "patch", "head", "options"))
    print(f"    valid OpenAPI {spec['openapi']}: {len(spec['paths'])} paths, {operations} operations, "
          f"{len(spec.get('components', {}).get('schemas', {}))} schemas")


def test_live_server_conforms_to_openapi(server, args):
    report_path = os.path.join(server.root, "schemathesis-report.json")
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", server.url + "/openapi.json",
        "--url", server.url,  # the document's `servers` names the default port, not this one
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(args.max_examples),
        "--workers", "1",
        # Hypothesis's too_slow depends on how busy the machine is; the run's own bound is the timeout.
        "--suppress-health-check", "too_slow",
        "--request-timeout", "30",
        "--no-color",
        "--report", "json", "--report-json-path", report_path,
    ]
    command += ["--seed", str(args.seed)] if args.seed is not None else ["--generation-deterministic"]
    print("    " + " ".join(command[1:]))
    started = time.monotonic()
    # Run in the temporary folder: schemathesis keeps caches (.hypothesis, .schemathesis) in its
    # working directory, and reads a schemathesis.toml there if there is one; there is none.
    try:
        run = subprocess.run(command, cwd=server.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             encoding="utf-8", errors="replace", timeout=SCHEMATHESIS_TIMEOUT,
                             env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"schemathesis did not finish within {SCHEMATHESIS_TIMEOUT} s:\n{e.stdout or ''}") from None
    elapsed = time.monotonic() - started
    report = None
    if os.path.exists(report_path):
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
    problems = []
    if run.returncode != 0:
        problems.append(f"schemathesis exited with {run.returncode}")
    if report is None:
        problems.append("schemathesis wrote no report")
    else:
        ops, cases = report.get("operations") or {}, report.get("test_cases") or {}
        if not report.get("complete"):
            problems.append(f"the run did not complete (stop reason: {report.get('stop_reason')})")
        if report.get("failures"):
            problems.append("failures: " + "; ".join(
                f"{f['code']} {f['title']} ×{f['count']} on {', '.join(f['operations'])}" for f in report["failures"]))
        if report.get("errors"):
            problems.append("errors: " + "; ".join(f"{e['title']} ×{e['count']}" for e in report["errors"]))
        # Every operation but the one serving the document (which schemathesis skips) is tested.
        expected = len([p for p in json.loads(get(server.url + "/openapi.json")[1])["paths"] if p != "/openapi.json"])
        if ops.get("tested") != expected or ops.get("errored"):
            problems.append(f"{ops.get('tested')} of {expected} operations tested ({ops})")
        if cases.get("generated", 0) < 10 * expected:
            problems.append(f"only {cases.get('generated')} test cases were generated")
        warnings = {kind: labels for kind, labels in (report.get("warnings") or {}).items() if labels}
        print(f"    {cases.get('generated')} test cases on {ops.get('tested')} operations in {elapsed:.1f} s"
              + (f"; schemathesis warns: {warnings}" if warnings else ""))
    if problems:
        errors = server.server_errors()
        raise AssertionError("\n".join(problems) + "\n--- schemathesis output ---\n" + run.stdout
                             + ("--- the server's log of its 5xx answers ---\n" + "\n".join(errors) + "\n" if errors else ""))


TESTS = [
    test_openapi_document_is_valid,
    test_live_server_conforms_to_openapi,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "ipsearch"))
    parser.add_argument("--max-examples", type=int, default=50, help="test cases per operation and phase (default 50)")
    parser.add_argument("--seed", type=int, help="random generation from this seed instead of the deterministic one")
    parser.add_argument("-k", dest="only", help="run only tests whose name contains this")
    args = parser.parse_args()
    tests = [t for t in TESTS if not args.only or args.only in t.__name__]
    passed = failed = 0
    started = time.monotonic()
    server = Server(os.path.abspath(args.binary))
    try:
        print(f"API tests: {server.url}, {len(tests)} tests")
        for test in tests:
            name = test.__name__
            try:
                test(server, args)
                passed += 1
                print(f"PASS {name}")
            except Exception as e:  # noqa: BLE001 — report every failure, run the rest
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {e}")
                if not isinstance(e, AssertionError):
                    traceback.print_exc(limit=3)
    finally:
        server.stop()
    print(f"{time.monotonic() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
