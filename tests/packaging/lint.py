#!/usr/bin/env python3
"""Convention linter for the OpenWrt feed package and the Buildroot external tree.

Written for this project from the rules listed in shared/notes/packaging.md
(1.4 for OpenWrt's packages feed, 2.5 for Buildroot's check-package), plus
consistency with the crate: versions and license equal Cargo.toml's, the
capacity options name variables of src/limits.rs with its defaults, the
installed man pages and example conf exist in doc/.

Usage: lint.py [--root DIR]     (exit status 1 when a rule is broken)
"""

import argparse
import os
import re
import subprocess
import sys

PKG = "smcroute-rs"
BR_PREFIX = "SMCROUTE_RS_"


class Lint:
    def __init__(self, root):
        self.root = root
        self.problems = []

    def err(self, path, line, msg):
        rel = os.path.relpath(path, self.root)
        self.problems.append(f"{rel}:{line}: {msg}")

    def read(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            self.err(path, 0, f"cannot read: {e.strerror}")
            return None

    def git_mode(self, path):
        """The file's mode in the git index, or None when it is not tracked."""
        try:
            out = subprocess.run(
                ["git", "-C", self.root, "ls-files", "-s", "--", os.path.relpath(path, self.root)],
                capture_output=True, text=True, check=False).stdout
        except OSError:
            return None
        return out.split()[0] if out.strip() else None

    def executable(self, path):
        mode = self.git_mode(path)
        if mode is not None:
            return mode == "100755"
        return os.access(path, os.X_OK)

    # Rules common to every file (check-package: TrailingSpace, NewlineAtEof,
    # ConsecutiveEmptyLines, EmptyLastLine).
    def common(self, path, text):
        lines = text.split("\n")
        if text and not text.endswith("\n"):
            self.err(path, len(lines), "missing newline at end of file")
        if text.endswith("\n\n"):
            self.err(path, len(lines) - 1, "empty last line")
        for n, line in enumerate(lines, 1):
            if line != line.rstrip():
                self.err(path, n, "trailing whitespace")
            if n > 1 and line.strip() == "" and lines[n - 2].strip() == "" and n < len(lines):
                self.err(path, n, "consecutive empty lines")


def cargo_package(lint):
    """(version, license) from Cargo.toml's [package]."""
    path = os.path.join(lint.root, "Cargo.toml")
    text = lint.read(path) or ""
    fields = {}
    section = None
    for line in text.splitlines():
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1).strip()
            continue
        m = re.match(r'\s*(version|license)\s*=\s*"([^"]*)"', line)
        if m and section == "package":
            fields[m.group(1)] = m.group(2)
    if "version" not in fields:
        lint.err(path, 0, "no [package] version")
    return fields.get("version"), fields.get("license")


def limits_defaults(lint):
    """{ENV_VAR: default} of the build-time overrides in src/limits.rs."""
    path = os.path.join(lint.root, "src", "limits.rs")
    text = lint.read(path) or ""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'option_env!\("(SMCROUTE_[A-Z_]+)"\),\s*([0-9_]+)\)', text)}


def make_assignments(text):
    """[(line_no, name, op, value)] of top-level make assignments, continuations joined."""
    out = []
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        start = n
        line = lines[n]
        while line.endswith("\\") and n + 1 < len(lines):
            n += 1
            line = line[:-1] + " " + lines[n].strip()
        m = re.match(r"^\s*(?:export\s+)?([A-Za-z0-9_./-]+)\s*([:+?]?=)\s*(.*)$", line)
        if m and not lines[start].startswith("\t"):
            out.append((start + 1, m.group(1), m.group(2), m.group(3).strip()))
        n += 1
    return out


def defines(text):
    """{name: (first_body_line_no, [body lines])} of define ... endef blocks."""
    out = {}
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        m = re.match(r"^define\s+(\S+)\s*$", lines[n])
        if m:
            name, body, start = m.group(1), [], n + 2
            n += 1
            while n < len(lines) and lines[n] != "endef":
                body.append(lines[n])
                n += 1
            out[name] = (start, body)
        n += 1
    return out


def kconfig_int_defaults(text):
    """{SYMBOL: default} of int options in Kconfig text."""
    out = {}
    for m in re.finditer(r"config\s+(\S+)\s*\n((?:[ \t]+.*\n|\n)*?)(?=\S|\Z)", text + "\n"):
        body = m.group(2)
        d = re.search(r"^\s*default\s+(\d+)\s*$", body, re.M)
        if re.search(r"^\s*int\b", body, re.M) and d:
            out[m.group(1)] = int(d.group(1))
    return out


# ---------------------------------------------------------------------------
# OpenWrt (packaging.md 1.4)


def openwrt_installed(body):
    """Paths that the lines of a Package/<n>/install recipe install files to."""
    out = set()
    for line in body:
        words = line.split()
        if len(words) < 3 or words[0] not in ("$(INSTALL_BIN)", "$(INSTALL_CONF)",
                                              "$(INSTALL_DATA)", "$(CP)"):
            continue
        dest = words[-1].replace("$(1)", "")
        for src in words[1:-1]:
            out.add(dest + src.rsplit("/", 1)[-1] if dest.endswith("/") else dest)
    return out


def openwrt_links(body):
    """Symbolic links a Package/<n>/install recipe makes: {link path: target}."""
    out = {}
    for line in body:
        words = line.split()
        if len(words) == 3 and words[0] == "$(LN)":
            out[words[2].replace("$(1)", "")] = words[1]
    return out


# smcrouted is multicall: the packages install smcroutectl as a link to it,
# relative so that it also resolves in a staging directory.
CTL_LINK = ("/usr/sbin/smcroutectl", "smcrouted")


def lint_openwrt(lint, version, license_, limits):
    pkgdir = os.path.join(lint.root, "targets", "openwrt", PKG)
    mk = os.path.join(pkgdir, "Makefile")
    text = lint.read(mk)
    if text is None:
        return
    lint.common(mk, text)
    lines = text.split("\n")
    assigns = {name: (n, val) for n, name, op, val in make_assignments(text)}
    defs = defines(text)

    for var in ("PKG_NAME", "PKG_VERSION", "PKG_RELEASE", "PKG_SOURCE", "PKG_SOURCE_URL",
                "PKG_HASH", "PKG_MAINTAINER", "PKG_LICENSE", "PKG_BUILD_DEPENDS"):
        if var not in assigns or not assigns[var][1]:
            lint.err(mk, 0, f"{var} is missing")

    def val(var):
        return assigns.get(var, (0, ""))

    n, v = val("PKG_NAME")
    if v and v != PKG:
        lint.err(mk, n, f"PKG_NAME is {v}, not {PKG}")
    n, v = val("PKG_VERSION")
    if v and not re.fullmatch(r"[0-9]+(\.[0-9]+)*", v):
        lint.err(mk, n, f"PKG_VERSION {v} is not a plain dotted number")
    if v and version and v != version:
        lint.err(mk, n, f"PKG_VERSION {v} differs from Cargo.toml's version {version}")
    n, v = val("PKG_RELEASE")
    if v and not re.fullmatch(r"[1-9][0-9]*", v):
        lint.err(mk, n, f"PKG_RELEASE {v} is not a positive integer")
    n, v = val("PKG_HASH")
    if v and not re.fullmatch(r"[0-9a-f]{64}", v):
        lint.err(mk, n, "PKG_HASH is not a sha256 (64 hex digits)")
    n, v = val("PKG_SOURCE_URL")
    if v and "latest" in v:
        lint.err(mk, n, "PKG_SOURCE_URL points at a moving 'latest' archive")
    n, v = val("PKG_MAINTAINER")
    if v and not re.fullmatch(r".+ <[^<>@\s]+@[^<>\s]+>", v):
        lint.err(mk, n, "PKG_MAINTAINER is not 'Name <email>'")
    n, v = val("PKG_LICENSE")
    if v and license_ and v != license_:
        lint.err(mk, n, f"PKG_LICENSE {v} differs from Cargo.toml's license {license_}")
    n, v = val("PKG_BUILD_DEPENDS")
    if v and "rust/host" not in v.split():
        lint.err(mk, n, "PKG_BUILD_DEPENDS lacks rust/host")

    # Include order.
    includes = [(i + 1, l.split(None, 1)[1].strip()) for i, l in enumerate(lines)
                if re.match(r"^include\s", l)]
    want = ["$(TOPDIR)/rules.mk", "$(INCLUDE_DIR)/package.mk",
            "$(TOPDIR)/feeds/packages/lang/rust/rust-package.mk"]
    if [inc for _, inc in includes] != want:
        lint.err(mk, includes[0][0] if includes else 0,
                 "includes must be, in order: " + ", ".join(want))
    first = next((i + 1 for i, l in enumerate(lines) if l.strip() and not l.startswith("#")), 0)
    if not includes or includes[0][0] != first:
        lint.err(mk, first, "the first statement must be include $(TOPDIR)/rules.mk")

    # Names spelled out inside call/eval/define.
    for i, l in enumerate(lines, 1):
        if "$(PKG_NAME)" in l and re.search(r"\$\((call|eval)\b|^define\b", l):
            lint.err(mk, i, "spell the package name out instead of $(PKG_NAME) in call/eval/define")

    # RustBinPackage before BuildPackage.
    rust = [i for i, l in enumerate(lines, 1)
            if l.strip() == f"$(eval $(call RustBinPackage,{PKG}))"]
    build = [i for i, l in enumerate(lines, 1)
             if l.strip() == f"$(eval $(call BuildPackage,{PKG}))"]
    if not build:
        lint.err(mk, 0, f"no $(eval $(call BuildPackage,{PKG}))")
    if not rust:
        lint.err(mk, 0, f"no $(eval $(call RustBinPackage,{PKG}))")
    if rust and build and rust[0] > build[0]:
        lint.err(mk, rust[0], "RustBinPackage must be evaluated before BuildPackage")

    # Package definitions: two-space KEY:=value lines.
    packages = [m.group(1) for m in re.finditer(r"call BuildPackage,([^)]+)\)", text)]
    for p in packages:
        if f"Package/{p}" not in defs:
            lint.err(mk, 0, f"no define Package/{p}")
            continue
        start, body = defs[f"Package/{p}"]
        fields = {}
        for k, l in enumerate(body):
            if not l.strip():
                continue
            m = re.match(r"^  ([A-Z_]+):=(.*)$", l)
            if not m:
                lint.err(mk, start + k, f"Package/{p}: lines are '  KEY:=value' (two spaces)")
                continue
            fields[m.group(1)] = m.group(2)
        for f in ("SECTION", "CATEGORY", "TITLE", "URL"):
            if not fields.get(f):
                lint.err(mk, start, f"Package/{p} is missing {f}")
        if "$(RUST_ARCH_DEPENDS)" not in fields.get("DEPENDS", ""):
            lint.err(mk, start, f"Package/{p}: DEPENDS lacks $(RUST_ARCH_DEPENDS)")
        if f"Package/{p}/description" not in defs:
            lint.err(mk, 0, f"no define Package/{p}/description")
        inst = defs.get(f"Package/{p}/install")
        if not inst:
            lint.err(mk, 0, f"no define Package/{p}/install")
        else:
            for k, l in enumerate(inst[1]):
                if l.strip() and not l.startswith("\t"):
                    lint.err(mk, inst[0] + k, f"Package/{p}/install: recipe lines start with a tab")
        if p == PKG:
            if fields.get("CONFLICTS") != "smcroute":
                lint.err(mk, start, f"Package/{p}: CONFLICTS:=smcroute is missing")
            installed = openwrt_installed(inst[1] if inst else [])
            for path in ("/usr/sbin/smcrouted", "/etc/init.d/smcroute",
                         "/etc/smcroute.conf", "/etc/config/smcroute"):
                if path not in installed:
                    lint.err(mk, inst[0] if inst else 0, f"Package/{p}/install does not install {path}")
            links = openwrt_links(inst[1] if inst else [])
            if CTL_LINK[0] in installed:
                lint.err(mk, inst[0], f"Package/{p}/install installs {CTL_LINK[0]} as a file, "
                         f"not as a link to the multicall {CTL_LINK[1]}")
            if links.get(CTL_LINK[0]) != CTL_LINK[1]:
                lint.err(mk, inst[0] if inst else 0, f"Package/{p}/install does not link "
                         f"{CTL_LINK[0]} to {CTL_LINK[1]} ($(LN) {CTL_LINK[1]} $(1){CTL_LINK[0]})")

    conf = defs.get(f"Package/{PKG}/conffiles")
    if not conf:
        lint.err(mk, 0, f"no define Package/{PKG}/conffiles")
    else:
        entries = [l for l in conf[1] if l.strip()]
        for k, l in enumerate(conf[1]):
            if l.strip() and (l != l.strip() or not l.startswith("/")):
                lint.err(mk, conf[0] + k, "conffiles: absolute paths without indentation")
        if "/etc/smcroute.conf" not in entries:
            lint.err(mk, conf[0], "conffiles lacks /etc/smcroute.conf")

    # Capacity options: names of src/limits.rs, with its defaults.
    cfg = defs.get(f"Package/{PKG}/config")
    if cfg:
        kdefaults = kconfig_int_defaults("\n".join(l[1:] if l.startswith("\t") else l
                                                   for l in cfg[1]))
        for n, name, op, v in make_assignments(text):
            m = re.fullmatch(r"\$\(CONFIG_([A-Z_]+)\)", v)
            if name.startswith("SMCROUTE_") and m:
                if name not in limits:
                    lint.err(mk, n, f"{name} is not a capacity of src/limits.rs")
                elif kdefaults.get(m.group(1)) != limits[name]:
                    lint.err(mk, n, f"CONFIG_{m.group(1)} default {kdefaults.get(m.group(1))} "
                             f"differs from src/limits.rs's {limits[name]}")

    # Files the recipe installs.
    files = os.path.join(pkgdir, "files")
    for ref in re.findall(r"\./files/(\S+)", text):
        if not os.path.isfile(os.path.join(files, ref)):
            lint.err(mk, 0, f"./files/{ref} does not exist")
    for ref in re.findall(r"\$\(PKG_BUILD_DIR\)/(\S+)", text):
        if not os.path.isfile(os.path.join(lint.root, ref)):
            lint.err(mk, 0, f"{ref} (from the source tree) does not exist")

    init = os.path.join(files, "smcroute.init")
    itext = lint.read(init)
    if itext is not None:
        lint.common(init, itext)
        ilines = itext.split("\n")
        if ilines[0] != "#!/bin/sh /etc/rc.common":
            lint.err(init, 1, "shebang must be '#!/bin/sh /etc/rc.common'")
        for pat, what in ((r"^USE_PROCD=1$", "USE_PROCD=1"),
                          (r"^START=\d+$", "START="),
                          (r"^start_service\(\)", "start_service()"),
                          (r"procd_set_param respawn", "procd_set_param respawn"),
                          (r"procd_set_param file ", "procd_set_param file"),
                          (r"procd_set_param reload_signal HUP", "reload_signal HUP")):
            if not re.search(pat, itext, re.M):
                lint.err(init, 0, f"procd init script lacks {what}")
        if re.search(r"start-stop-daemon|--make-pidfile|&\s*$", itext, re.M):
            lint.err(init, 0, "procd init scripts do not background or write PID files")
        if not lint.executable(init):
            lint.err(init, 0, "init script must be executable (mode 0755)")


# ---------------------------------------------------------------------------
# Buildroot (packaging.md 2.5, check-package)


def lint_br_config(lint, path, text):
    lint.common(path, text)
    order = {"bool": 1, "int": 1, "string": 1, "prompt": 1, "default": 2, "depends": 3,
             "select": 4, "help": 5}
    last = 0
    in_help = False
    for n, line in enumerate(text.split("\n"), 1):
        if re.match(r"^(config|menuconfig|comment|if|endif|menu|endmenu|source|choice|endchoice)\b",
                    line):
            last, in_help = 0, False
            continue
        if in_help:
            if not line.strip():
                continue
            if not line.startswith("\t  "):
                in_help = False
            else:
                if len(line.rstrip().expandtabs(8)) > 72:
                    lint.err(path, n, "help text: at most 62 characters after tab and two spaces")
                continue
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith("\t") or line.startswith("\t "):
            lint.err(path, n, "attributes are indented with one tab")
        word = line.strip().split()[0]
        if word in order:
            if order[word] < last:
                lint.err(path, n, f"attribute '{word}' out of order "
                         "(type, default, depends on, select, help)")
            last = order[word]
        if word == "help":
            in_help = True
        if re.match(r"^\s*default\s+n\s*$", line):
            lint.err(path, n, "'default n' is the default")


def lint_buildroot(lint, version, license_, limits):
    br = os.path.join(lint.root, "buildroot")
    pkgdir = os.path.join(br, "package", PKG)

    desc = os.path.join(br, "external.desc")
    t = lint.read(desc)
    if t is not None:
        lint.common(desc, t)
        if not re.search(r"^name: SMCROUTE_RS$", t, re.M):
            lint.err(desc, 1, "external.desc must say 'name: SMCROUTE_RS'")
    emk = os.path.join(br, "external.mk")
    t = lint.read(emk)
    if t is not None:
        lint.common(emk, t)
        if "$(BR2_EXTERNAL_SMCROUTE_RS_PATH)/package/*/*.mk" not in t:
            lint.err(emk, 1, "external.mk must include $(BR2_EXTERNAL_SMCROUTE_RS_PATH)/package/*/*.mk")
    top = os.path.join(br, "Config.in")
    t = lint.read(top)
    if t is not None:
        lint.common(top, t)
        want = f'source "$BR2_EXTERNAL_SMCROUTE_RS_PATH/package/{PKG}/Config.in"'
        if want not in t.split("\n"):
            lint.err(top, 1, f"Config.in must have: {want}")

    cfg = os.path.join(pkgdir, "Config.in")
    ctext = lint.read(cfg) or ""
    lint_br_config(lint, cfg, ctext)
    for line, what in (("\tdepends on BR2_PACKAGE_HOST_RUSTC_TARGET_ARCH_SUPPORTS", "arch gate"),
                       ("\tselect BR2_PACKAGE_HOST_RUSTC", "host-rustc selection"),
                       ("\tdepends on !BR2_PACKAGE_SMCROUTE", "conflict with smcroute")):
        if line not in ctext.split("\n"):
            lint.err(cfg, 0, f"lacks the {what}: '{line.strip()}'")

    mk = os.path.join(pkgdir, f"{PKG}.mk")
    text = lint.read(mk)
    if text is not None:
        lint.common(mk, text)
        lines = text.split("\n")
        header = ["#" * 80, "#", f"# {PKG}", "#", "#" * 80, ""]
        if lines[:6] != header:
            lint.err(mk, 1, "header must be 80 '#', '#', '# smcroute-rs', '#', 80 '#', empty line")
        for n, name, op, v in make_assignments(text):
            if not name.startswith(BR_PREFIX):
                lint.err(mk, n, f"variable {name} lacks the {BR_PREFIX} prefix")
        for m in re.finditer(r"^define\s+(\S+)", text, re.M):
            if not m.group(1).startswith(BR_PREFIX):
                lint.err(mk, text[:m.start()].count("\n") + 1,
                         f"define {m.group(1)} lacks the {BR_PREFIX} prefix")
        in_define = False
        for n, line in enumerate(lines, 1):
            if "${" in line:
                lint.err(mk, n, "use $() not ${}")
            if re.match(r"^\s*ifdef\b", line):
                lint.err(mk, n, "use ifeq ($(SYMBOL),y) instead of ifdef")
            if line.endswith("\\") and not re.search(r"[^ \t] \\$", line):
                lint.err(mk, n, "exactly one space before a backslash")
            if line.startswith("define "):
                in_define = True
                continue
            if line == "endef":
                in_define = False
                continue
            continued = n > 1 and lines[n - 2].endswith("\\")
            if (in_define or continued) and line.strip() and not line.startswith("\t"):
                lint.err(mk, n, "define bodies and continued lines are indented with tabs")
            if line.endswith("\\") and n < len(lines) and not lines[n].strip():
                lint.err(mk, n, "trailing backslash before an empty line")
        assigns = {name: (n, v) for n, name, op, v in make_assignments(text)}
        n, v = assigns.get(BR_PREFIX + "VERSION", (0, None))
        if v is None:
            lint.err(mk, 0, f"{BR_PREFIX}VERSION is missing")
        elif version and v != version:
            lint.err(mk, n, f"{BR_PREFIX}VERSION {v} differs from Cargo.toml's version {version}")
        n, v = assigns.get(BR_PREFIX + "LICENSE", (0, None))
        if v is None:
            lint.err(mk, 0, f"{BR_PREFIX}LICENSE is missing")
        elif license_ and v != license_:
            lint.err(mk, n, f"{BR_PREFIX}LICENSE {v} differs from Cargo.toml's license {license_}")
        for var in ("SITE", "LICENSE_FILES"):
            if BR_PREFIX + var not in assigns:
                lint.err(mk, 0, f"{BR_PREFIX}{var} is missing")
        if BR_PREFIX + "SOURCE" in assigns:
            lint.err(mk, assigns[BR_PREFIX + "SOURCE"][0], "do not set the default _SOURCE")
        if lines[-2:] != ["$(eval $(cargo-package))", ""]:
            lint.err(mk, len(lines), "must end with $(eval $(cargo-package))")
        for path in ("/usr/sbin/smcrouted", "/etc/init.d/S41smcroute",
                     "/usr/lib/systemd/system/smcroute.service", "/etc/smcroute.conf"):
            if not re.search(r"\$\(TARGET_DIR\)" + re.escape(path) + r"\s*$", text, re.M):
                lint.err(mk, 0, f"does not install {path}")
        link = r"^\tln -sf " + re.escape(CTL_LINK[1]) + r" \$\(TARGET_DIR\)" + re.escape(CTL_LINK[0]) + r"$"
        if not re.search(link, text, re.M):
            lint.err(mk, 0, f"does not link {CTL_LINK[0]} to {CTL_LINK[1]} "
                     f"(ln -sf {CTL_LINK[1]} $(TARGET_DIR){CTL_LINK[0]})")
        if re.search(r"\$\(INSTALL\).*\\\n\s*\$\(TARGET_DIR\)" + re.escape(CTL_LINK[0]) + r"\s*$",
                     text, re.M):
            lint.err(mk, 0, f"installs {CTL_LINK[0]} as a file, not as a link to the multicall "
                     f"{CTL_LINK[1]}")
        for ref in re.findall(r"\$\(SMCROUTE_RS_PKGDIR\)/(\S+)", text):
            if not os.path.isfile(os.path.join(pkgdir, ref)):
                lint.err(mk, 0, f"{ref} does not exist in the package directory")
        for ref in re.findall(r"\$\(@D\)/(doc/\S+)", text):
            if not os.path.isfile(os.path.join(lint.root, ref)):
                lint.err(mk, 0, f"{ref} (from the source tree) does not exist")
        kdefaults = kconfig_int_defaults(ctext)
        for env, sym in re.findall(r"(SMCROUTE_[A-Z_]+)=\$\((BR2_[A-Z_]+)\)", text):
            if env not in limits:
                lint.err(mk, 0, f"{env} is not a capacity of src/limits.rs")
            elif kdefaults.get(sym) != limits[env]:
                lint.err(cfg, 0, f"{sym} default {kdefaults.get(sym)} differs from "
                         f"src/limits.rs's {limits[env]}")

    hsh = os.path.join(pkgdir, f"{PKG}.hash")
    text = lint.read(hsh)
    if text is not None:
        lint.common(hsh, text)
        names = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            fields = line.split("  ")
            if len(fields) != 3 or any(not f or f != f.strip() for f in fields):
                lint.err(hsh, n, "hash lines are 'TYPE  HASH  FILE' (two spaces)")
                continue
            kind, digest, name = fields
            lengths = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96,
                       "sha512": 128}
            if kind not in lengths or not re.fullmatch(r"[0-9a-f]{%d}" % lengths.get(kind, 0), digest):
                lint.err(hsh, n, f"bad {kind} hash")
            names.append(name)
        want = f"{PKG}-{version}-cargo6.tar.gz"
        if version and want not in names:
            lint.err(hsh, 0, f"no hash for {want} (the vendored tarball of Cargo.toml's version)")
        mkt = lint.read(mk) or ""
        lic = dict((name, v) for n, name, op, v in make_assignments(mkt)).get(BR_PREFIX + "LICENSE_FILES", "")
        for f in lic.split():
            if f not in names:
                lint.err(hsh, 0, f"no hash for the license file {f}")

    sinit = os.path.join(pkgdir, "S41smcroute")
    text = lint.read(sinit)
    if text is not None:
        lint.common(sinit, text)
        daemons = re.findall(r'^DAEMON=["\']?([^"\']*)["\']?\s*$', text, re.M)
        if len(daemons) != 1:
            lint.err(sinit, 0, "DAEMON must be defined exactly once")
        else:
            if "/" in daemons[0]:
                lint.err(sinit, 0, "DAEMON must not include a path")
            if not re.fullmatch(r"S\d\d" + re.escape(os.path.basename(daemons[0])),
                                os.path.basename(sinit)):
                lint.err(sinit, 0, "file name must be S<NN><DAEMON>")
        m = re.search(r'^PIDFILE=["\']?([^"\']*)["\']?\s*$', text, re.M)
        if not m or not re.fullmatch(r"/var/run/(\$DAEMON|\$\{DAEMON\})\.pid", m.group(1)):
            lint.err(sinit, 0, 'PIDFILE must be "/var/run/$DAEMON.pid"')
        for n, line in enumerate(text.split("\n"), 1):
            if re.match(r"^\t* +\S", line):
                lint.err(sinit, n, "indent with tabs only")
        for fn in ("start", "stop", "restart", "reload"):
            if not re.search(r"^%s\(\)" % fn, text, re.M):
                lint.err(sinit, 0, f"no {fn}() function")
        if "--signal HUP" not in text:
            lint.err(sinit, 0, "reload must send SIGHUP by name (--signal HUP)")
        if lint.executable(sinit):
            lint.err(sinit, 0, "must not be executable in the repository (the .mk installs it 0755)")

    unit = os.path.join(pkgdir, "smcroute.service")
    text = lint.read(unit)
    if text is not None:
        lint.common(unit, text)
        for key in ("Type=notify", "ExecReload=/usr/sbin/smcroutectl reload",
                    "NoNewPrivileges=yes", "ProtectSystem=full", "ProtectHome=yes",
                    "ProtectControlGroups=yes", "WantedBy=multi-user.target"):
            if key not in text.split("\n"):
                lint.err(unit, 0, f"lacks {key}")
        if not re.search(r"^ExecStart=/usr/sbin/smcrouted -n ", text, re.M):
            lint.err(unit, 0, "ExecStart must run /usr/sbin/smcrouted -n (foreground)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    args = ap.parse_args()
    lint = Lint(os.path.abspath(args.root))
    version, license_ = cargo_package(lint)
    limits = limits_defaults(lint)
    lint_openwrt(lint, version, license_, limits)
    lint_buildroot(lint, version, license_, limits)
    for p in lint.problems:
        print(p)
    print(f"lint: {len(lint.problems)} problem(s)")
    return 1 if lint.problems else 0


if __name__ == "__main__":
    sys.exit(main())
