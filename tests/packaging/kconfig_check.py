#!/usr/bin/env python3
"""Loads Kconfig of the Buildroot external tree and of the OpenWrt package with kconfiglib.

Buildroot: buildroot/Config.in is sourced from a stub of the Buildroot symbols
it uses (buildroot-stub/Config.in), as Buildroot would with
BR2_EXTERNAL=<repo>/buildroot. Fails on any kconfiglib warning (undefined
symbol, syntax), and checks that selecting the package works and selects
host-rustc, that it is unavailable with the C smcroute or without Rust support
for the target, and that the capacity options exist with their defaults.

OpenWrt: the Package/smcroute-rs/config text (printed by the stand-in TOPDIR,
file given as --openwrt-config) is loaded under a stub PACKAGE_smcroute-rs.

Usage: kconfig_check.py --root DIR [--openwrt-config FILE]
"""

import argparse
import os
import sys
import tempfile

import kconfiglib

PKG_SYM = "BR2_PACKAGE_SMCROUTE_RS"


def load(path, problems):
    os.environ["KCONFIG_WARN_UNDEF"] = "y"
    try:
        kc = kconfiglib.Kconfig(path, warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        problems.append(f"Kconfig error: {e}")
        return None
    problems.extend(f"kconfiglib: {w}" for w in kc.warnings)
    return kc


def check_buildroot(root, problems):
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ["BR2_EXTERNAL_SMCROUTE_RS_PATH"] = os.path.join(root, "buildroot")
    kc = load(os.path.join(here, "buildroot-stub", "Config.in"), problems)
    if kc is None:
        return
    sym = kc.syms.get(PKG_SYM)
    if sym is None or not sym.nodes:
        problems.append(f"{PKG_SYM} is not defined")
        return

    def fresh():
        for s in kc.unique_defined_syms:
            s.unset_value()

    fresh()
    sym.set_value(2)
    if sym.str_value != "y":
        problems.append(f"{PKG_SYM} cannot be selected with every dependency met")
    if kc.syms["BR2_PACKAGE_HOST_RUSTC"].str_value != "y":
        problems.append(f"{PKG_SYM}=y does not select BR2_PACKAGE_HOST_RUSTC")
    for name, default in (("MAX_RULES", "10240"), ("MAX_KERNEL_ROUTES", "10240")):
        opt = kc.syms.get(f"{PKG_SYM}_{name}")
        if opt is None or not opt.nodes:
            problems.append(f"{PKG_SYM}_{name} is not defined")
        elif opt.str_value != default:
            problems.append(f"{PKG_SYM}_{name} defaults to {opt.str_value!r}, not {default}")

    for blocker, value in (("BR2_PACKAGE_SMCROUTE", 2),
                           ("BR2_PACKAGE_HOST_RUSTC_TARGET_ARCH_SUPPORTS", 0),
                           ("BR2_USE_MMU", 0)):
        fresh()
        kc.syms[blocker].set_value(value)
        sym.set_value(2)
        if sym.str_value != "n":
            problems.append(f"{PKG_SYM} can be selected with {blocker}={'yn'[value == 0]}")


def check_openwrt(config_text, problems):
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "Config.in")
        body = "\n".join(l[1:] if l.startswith("\t") else l for l in config_text.split("\n"))
        with open(top, "w") as f:
            f.write('config PACKAGE_smcroute-rs\n\ttristate "smcroute-rs"\n\tdefault m\n\n')
            f.write(body + "\n")
        kc = load(top, problems)
        if kc is None:
            return
        for name, default in (("SMCROUTE_RS_MAX_RULES", "10240"),
                              ("SMCROUTE_RS_MAX_KERNEL_ROUTES", "10240")):
            opt = kc.syms.get(name)
            if opt is None or not opt.nodes:
                problems.append(f"OpenWrt config: {name} is not defined")
            elif opt.str_value != default:
                problems.append(f"OpenWrt config: {name} defaults to {opt.str_value!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--openwrt-config")
    args = ap.parse_args()
    problems = []
    check_buildroot(os.path.abspath(args.root), problems)
    if args.openwrt_config:
        with open(args.openwrt_config) as f:
            check_openwrt(f.read(), problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
