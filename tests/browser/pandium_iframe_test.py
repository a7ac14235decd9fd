#!/usr/bin/env python3
"""Browser test: headless Chromium (Debian's chromium + chromium-driver, driven over the W3C
WebDriver HTTP API with the standard library only) loads vendor-sample's integrations page, which
embeds mpemu's Pandium In-App Marketplace in an iframe, and sees the catalogue rendered inside it;
the same page served from an origin that is not the account's registered parent domain is refused
framing (Content-Security-Policy frame-ancestors).

Usage: pandium_iframe_test.py BUILD_DIR   (exit 0 = pass; 77 = chromium missing: skipped)
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SECRET = "browser-test-secret-0123456789-abcdefghij"
ACCOUNT = "mpemu-vendor"
USERS = "ada@example.test:ada-pw-7f3a91:basic"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_http(url, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            status, _ = http("GET", url, timeout=2)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("not answering: " + url)


def chromium_binary():
    # Debian's /usr/bin/chromium is a wrapper script; chromedriver is happier with the binary.
    real = "/usr/lib/chromium/chromium"
    return real if os.access(real, os.X_OK) else shutil.which("chromium")


class WebDriver:
    """A WebDriver session on a Chromium this script starts itself, attached through
    debuggerAddress 127.0.0.1:PORT: chromedriver then never needs the name "localhost" (a fresh
    chroot has no /etc/hosts entry for it, which showed as "unable to connect to renderer")."""

    def __init__(self, port, profile_dir, procs):
        self.base = "http://127.0.0.1:%d" % port
        debug_port = free_port()
        procs.append(subprocess.Popen(
            [chromium_binary(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile_dir,
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=%d" % debug_port, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_http("http://127.0.0.1:%d/json/version" % debug_port, timeout=60)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"debuggerAddress": "127.0.0.1:%d" % debug_port}}}}
        last = None
        for _ in range(3):
            status, body = http("POST", self.base + "/session", caps, timeout=90)
            if status == 200:
                self.session = json.loads(body)["value"]["sessionId"]
                return
            last = "%d %s" % (status, body[:300])
            time.sleep(1)
        raise RuntimeError("webdriver session: " + last)

    def cmd(self, method, path, body=None):
        status, text = http(method, "%s/session/%s%s" % (self.base, self.session, path), body)
        value = json.loads(text)["value"] if text else None
        if status != 200:
            raise RuntimeError("%s %s: %d %s" % (method, path, status, text[:300]))
        return value

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def frame(self, css):
        element = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        self.cmd("POST", "/frame", {"id": element})

    def top(self):
        self.cmd("POST", "/frame", {"id": None})

    def quit(self):
        try:
            http("DELETE", "%s/session/%s" % (self.base, self.session))
        except OSError:
            pass


def login(driver, origin):
    driver.get(origin + "/login")
    driver.js("""document.querySelector('input[name=email]').value = arguments[0];
                 document.querySelector('input[name=password]').value = arguments[1];
                 document.querySelector('input[name=email]').form.submit();""",
              "ada@example.test", "ada-pw-7f3a91")
    time.sleep(0.3)


def frame_state(driver, origin):
    """Opens the integrations page and reports what the iframe shows."""
    driver.top()
    driver.get(origin + "/integrations")
    deadline = time.time() + 10
    state = None
    while time.time() < deadline:
        driver.top()
        try:
            driver.frame("iframe#pandium-marketplace")
            state = driver.js("""return {href: location.href,
                                      status: document.body ? document.body.getAttribute('data-pandium-status') : null,
                                      integrations: document.querySelectorAll('li.integration').length};""")
        except RuntimeError as e:
            state = {"error": str(e)}
        if state and state.get("status") == "ok":
            break
        time.sleep(0.2)
    driver.top()
    return state


def main():
    build = os.path.abspath(sys.argv[1])
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        print("SKIP: chromium and chromedriver are not installed (tools/setup installs them)")
        return 77
    work = tempfile.mkdtemp(prefix="mpemu-browser-")
    procs = []
    try:
        vport, dport = free_port(), free_port()
        # Two origins that need no name resolution: the vendor listens on every loopback address.
        parent = "http://127.0.0.1:%d" % vport
        config = os.path.join(work, "mpemu.yaml")
        with open(config, "w") as f:
            f.write("pandium:\n  accounts:\n    - name: %s\n      secret: %s\n      parentDomain: %s\n"
                    % (ACCOUNT, SECRET, parent))
        emu = subprocess.Popen([os.path.join(build, "mpemu"), "serve", "--port", "0", "--config", config],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(emu)
        emu_url = None
        for line in emu.stdout:
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                emu_url = m.group(1)
                break
        if not emu_url:
            raise RuntimeError("mpemu serve did not start")
        wait_http(emu_url + "/_emulator/health")
        env = dict(os.environ, VENDOR_LISTEN="0.0.0.0:%d" % vport, VENDOR_PUBLIC_URL=parent,
                   PANDIUM_ENTRY_URL="%s/pandium/%s" % (emu_url, ACCOUNT), PANDIUM_SECRET=SECRET,
                   VENDOR_TEST_USERS=USERS, VENDOR_PBKDF2_ITERATIONS="1000", PANDIUM_ACCOUNT=ACCOUNT,
                   VENDOR_DB=os.path.join(work, "vendor.db"))
        vendor = subprocess.Popen([os.path.join(build, "vendor-sample", "vendor-sample")], env=env,
                                  stdout=open(os.path.join(work, "vendor.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(vendor)
        wait_http("http://127.0.0.1:%d/healthz" % vport)
        driver_proc = subprocess.Popen(["chromedriver", "--port=%d" % dport, "--allowed-ips=127.0.0.1"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        procs.append(driver_proc)
        wait_http("http://127.0.0.1:%d/status" % dport)
        driver = WebDriver(dport, os.path.join(work, "chrome-profile"), procs)
        try:
            # The registered parent (127.0.0.1:VPORT) frames the marketplace: the catalogue renders.
            login(driver, parent)
            good = frame_state(driver, parent)
            print("registered parent:", good)
            assert good and good.get("status") == "ok", "marketplace not rendered in the iframe: %r" % good
            assert good.get("integrations", 0) >= 1, "no integrations in the catalogue: %r" % good
            # The same page from another origin (127.0.0.2:VPORT) is refused framing.
            other = "http://127.0.0.2:%d" % vport
            login(driver, other)
            bad = frame_state(driver, other)
            print("other origin:", bad)
            assert not bad or bad.get("status") != "ok", "the marketplace was framed by a foreign origin: %r" % bad
        finally:
            driver.quit()
        print("PASS")
        return 0
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
